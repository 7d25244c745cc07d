import { ArcaError } from '../../core/errors/index.ts';
import type { StatusReport, TaskStatusReport } from '../../protocol/index.ts';
import type { MetadataOperations } from '../persistence/index.ts';
import { settleRemovals } from '../resources/extension-removal.ts';
import type { ExtensionRuntime, VirtualMachineRecord } from '../resources/virtual-machine-model.ts';
import { putVirtualMachineRuntime } from '../resources/virtual-machines-store.ts';
import type { AgentTaskRecord, AgentTaskStatus } from './agent-task-model.ts';
import type { AgentTaskNotifier } from './agent-task-notifier.ts';
import { getAgentTask, updateAgentTask } from './agent-tasks-store.ts';
import { followExtensionHealth } from './extension-provisioning.ts';
import { acknowledgeGoalState } from './goal-state-store.ts';

const SETTLED: readonly AgentTaskStatus[] = ['success', 'error', 'cancelled'];

/**
 * A task's record after a report on it. A settled task (done, failed, cancelled) ignores later
 * reports; the phase only moves forward (snapshot, then transfer).
 */
export function applyTaskReport(task: AgentTaskRecord, report: TaskStatusReport, now: Date): AgentTaskRecord {
  if (SETTLED.includes(task.status)) return task;
  const phase = task.phase === 'transfer' ? 'transfer' : (report.phase ?? task.phase);
  const result = report.result ? { ...task.result, ...report.result } : task.result;
  return {
    ...task,
    status: report.status,
    ...(phase === undefined ? {} : { phase }),
    ...(report.progress === undefined ? {} : { progress: report.progress }),
    ...(result === undefined ? {} : { result }),
    ...(report.error === undefined ? {} : { error: report.error }),
    pickedUp: task.pickedUp ?? now.toISOString(),
    ...(task.snapshotTakenAt === undefined && (phase === 'transfer' || report.status === 'success') ? { snapshotTakenAt: now.toISOString() } : {}),
    updated: now.toISOString(),
  };
}

function extensionsOf(report: StatusReport, now: Date): ExtensionRuntime[] {
  return report.extensions.map((extension) => ({
    name: extension.name,
    type: extension.name,
    typeHandlerVersion: extension.version,
    handlerState: extension.handlerState,
    ...(extension.status ? { status: { ...extension.status, time: now.toISOString() } } : {}),
  }));
}

/**
 * Records a machine's status report: its runtime (agent status, version, last report, extension
 * statuses) and the provisioning state they imply (a failed handler makes the machine Failed), each task it reports on, and which goal state it applied; then wakes whoever waits on
 * those tasks. A report on a task of another machine is refused before anything is written.
 */
export async function applyStatusReport(
  store: MetadataOperations,
  vm: { readonly id: string },
  report: StatusReport,
  now: Date,
  notifier: AgentTaskNotifier,
): Promise<void> {
  for (const [i, task] of report.tasks.entries()) {
    const record = await getAgentTask(store, task.taskId);
    if (record === undefined || record.data.vmId.toLowerCase() !== vm.id.toLowerCase()) {
      throw new ArcaError('InvalidRequestContent', { reason: `tasks[${i}].taskId names no task of this machine` });
    }
  }
  const { status, version, message } = report.agent;
  // Which removals the report settles is decided on the record the runtime is saved over, inside the
  // conflict retry: an extension DELETE that lands meanwhile is seen, not overwritten.
  let before: VirtualMachineRecord | undefined;
  let shown: StatusReport['extensions'] = [];
  await putVirtualMachineRuntime(store, vm.id, (current) => {
    const removals = settleRemovals(current.runtime.removedExtensions ?? [], report.extensions);
    before = current;
    shown = removals.shown;
    return {
      agent: { status, version, lastReport: now.toISOString(), ...(message === undefined ? {} : { message }) },
      extensions: extensionsOf({ ...report, extensions: removals.shown }, now),
      ...(current.runtime.removedExtensions === undefined ? {} : { removedExtensions: removals.pending }),
    };
  });
  if (before) await followExtensionHealth(store, before, shown);
  for (const task of report.tasks) await updateAgentTask(store, task.taskId, (current) => applyTaskReport(current, task, now));
  if (report.goalStateIncarnation !== undefined) await acknowledgeGoalState(store, vm.id, report.goalStateIncarnation);
  for (const task of report.tasks) notifier.notify(task.taskId);
}
