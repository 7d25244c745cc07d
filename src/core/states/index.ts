export { findMember, isMember } from './closed-set.ts';
export {
  canTransition,
  defineMachine,
  isState,
  isTerminal,
  nextStates,
  terminalStates,
  transition,
  type MachineDefinition,
  type StateMachine,
} from './state-machine.ts';
export { AGENT_STATUSES, agentStatusMachine, type AgentStatus } from './agent-status.ts';
export {
  EXTENSION_HANDLER_STATES,
  extensionHandlerStateMachine,
  type ExtensionHandlerState,
} from './extension-handler-state.ts';
export { EXTENSION_STATUSES, extensionStatusMachine, type ExtensionStatus } from './extension-status.ts';
export { isRestoreOperation, JOB_OPERATIONS, parseJobOperation, type JobOperation } from './job-operation.ts';
export { isJobActive, JOB_STATUSES, jobStatusMachine, type JobStatus } from './job-status.ts';
export {
  activeTask,
  isCancellablePhase,
  JOB_TASK_NAMES,
  TASK_STATUSES,
  taskStatusMachine,
  tasksFor,
  type JobTask,
  type JobTaskName,
  type TaskStatus,
} from './job-task.ts';
export { parsePowerStateCode, POWER_STATES, powerStateCode, powerStateMachine, type PowerState } from './power-state.ts';
export {
  isBackupScheduled,
  PROTECTION_STATES,
  protectionStateMachine,
  type ProtectionState,
} from './protection-state.ts';
export {
  PROVISIONING_STATES,
  provisioningStateCode,
  provisioningStateMachine,
  type ProvisioningState,
} from './provisioning-state.ts';
export {
  AZURE_RECOVERY_POINT_TYPES,
  CONSISTENCIES,
  parseConsistency,
  toRecoveryPointType,
  type AzureRecoveryPointType,
  type Consistency,
} from './recovery-point-consistency.ts';
export {
  parseRecoveryPointTier,
  RECOVERY_POINT_TIER_STATUSES,
  RECOVERY_POINT_TIERS,
  RECOVERY_TYPE_LABELS,
  recoveryTypeLabel,
  type RecoveryPointTier,
  type RecoveryPointTierStatus,
  type RecoveryTypeLabel,
} from './recovery-point-tier.ts';
