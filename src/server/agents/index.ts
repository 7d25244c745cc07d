export { agentStatusAt, DEFAULT_AGENT_UNRESPONSIVE_MS, withAgentLiveness } from './agent-liveness.ts';
export { registerAgentRoutes, type AgentRouteDeps } from './agent-routes.ts';
export { DEFAULT_MAX_OBJECT_BYTES, registerUploadChannelRoutes, type UploadChannelDeps } from './repository-routes.ts';
export { BACKUP_UPLOAD_RULES, type UploadCall, type UploadRules } from './upload-rules.ts';
export { AGENT_TASKS, AGENT_TASK_STATUSES, type AgentTaskRecord, type AgentTaskStatus, type SnapshotTaskResult, type SnapshotTaskSettings } from './agent-task-model.ts';
export { AgentTaskNotifier } from './agent-task-notifier.ts';
export { agentTasksOf, createAgentTask, getAgentTask, updateAgentTask } from './agent-tasks-store.ts';
export { AGENT_GOAL_STATES, bumpIncarnation, getGoalStateRecord, type GoalStateRecord } from './goal-state-store.ts';
export { vmOfMachine } from './machine-lookup.ts';
