import { randomInt } from 'node:crypto';
import { ArcaError, type CatalogCode } from '../../core/errors/index.ts';
import { JOB_TASK_NAMES } from '../../core/states/index.ts';
import { bumpIncarnation, createAgentTask, getAgentTask, type AgentTaskRecord } from '../agents/index.ts';
import { getJob, type JobContext } from '../jobs/index.ts';
import type { InstantCollection } from '../points/index.ts';
import { SNAPSHOT_EXTENSION } from '../../protocol/index.ts';
import { removalPending } from '../resources/extension-removal.ts';
import type { VirtualMachineRecord } from '../resources/virtual-machine-model.ts';
import type { BackupFlowDeps } from './backup-flow-deps.ts';

/** A recovery point name as Azure writes them: a long number, as a string. */
export function newPointName(): string {
  return `${randomInt(1, 2 ** 47)}${String(randomInt(0, 1000)).padStart(3, '0')}`;
}

/** Writes the snapshot task for the job's machine and bumps its goal state, so the agent sees it at its next pull. */
export async function writeSnapshotTask(deps: BackupFlowDeps, context: JobContext, vm: VirtualMachineRecord, collection: InstantCollection): Promise<AgentTaskRecord> {
  const now = context.now().toISOString();
  const { osDisk, dataDisks } = vm.properties.storageProfile;
  const task: AgentTaskRecord = {
    taskId: context.jobName,
    vmId: vm.id,
    settings: {
      kind: 'snapshot',
      jobName: context.jobName,
      collectionId: collection.collectionId,
      pointName: newPointName(),
      consistencyWanted: 'ApplicationConsistent',
      disks: [osDisk, ...dataDisks].map((disk) => ({ name: disk.name, ...(disk.lun === undefined ? {} : { lun: disk.lun }), ...(disk.path === undefined ? {} : { path: disk.path }) })),
      // Only an on-demand backup gets past the machine checks of a Failed machine: it reinstalls the extension, as after the extension's removal through the API.
      ...(vm.properties.provisioningState === 'Failed' || removalPending(vm.runtime.removedExtensions, SNAPSHOT_EXTENSION) ? { reinstall: true } : {}),
    },
    created: now,
    status: 'pending',
    updated: now,
  };
  await createAgentTask(deps.store, task);
  await bumpIncarnation(deps.store, vm.id);
  return task;
}

function inSnapshotTask(context: JobContext): boolean {
  const first = context.job().properties.extendedInfo.tasksList[0];
  return first?.taskId === JOB_TASK_NAMES.takeSnapshot && first.status !== 'Completed';
}

/** A failure the agent reported, with the machine's name for the catalog's message. */
function agentFailure(task: AgentTaskRecord, vmName: string): ArcaError {
  const error = task.error ?? { code: 'GuestAgentSnapshotTaskStatusError', params: {} };
  return new ArcaError(error.code as CatalogCode, { vmName, ...error.params });
}

/** The windows, measured by the job's clock: never picked up, or picked up and then silent. */
function checkWindows(deps: BackupFlowDeps, task: AgentTaskRecord, now: Date, vmName: string): void {
  const { taskPickupMs, taskSilenceMs } = deps.windows;
  if (task.pickedUp === undefined) {
    if (now.getTime() - Date.parse(task.created) > taskPickupMs) throw new ArcaError('UserErrorGuestAgentStatusUnavailable', { vmName, agentStatus: 'Unresponsive' });
    return;
  }
  const heard = Math.max(Date.parse(task.pickedUp), Date.parse(task.updated));
  if (now.getTime() - heard > taskSilenceMs) throw new ArcaError('GuestAgentSnapshotTaskStatusError', { vmName });
}

/**
 * Follows the agent through the task: its progress becomes the job's; phase transfer completes
 * Take Snapshot (cancel is refused from then on); success returns the task. Waits on the notifier,
 * re-reading on a short tick so that a cancel request, an engine stop or a passing window is seen.
 */
export async function followSnapshotTask(deps: BackupFlowDeps, context: JobContext): Promise<AgentTaskRecord> {
  const vmName = context.job().properties.entityFriendlyName;
  let shown = -1;
  for (;;) {
    const record = await getAgentTask(deps.store, context.jobName);
    if (!record) throw new ArcaError('ArcaInternalError', { operation: 'following the snapshot task', reference: context.jobName });
    const task = record.data;
    if (task.status === 'error') throw agentFailure(task, vmName);
    if ((task.phase === 'transfer' || task.status === 'success') && inSnapshotTask(context)) {
      await context.nextTask();
      shown = -1;
    }
    if (task.status === 'success') return task;
    const progress = task.progress ?? 0;
    if (progress !== shown) {
      await context.progress(progress);
      shown = progress;
    }
    checkWindows(deps, task, context.now(), vmName);
    const job = await getJob(deps.store, context.jobId);
    // A write is what notices the request: the run's copy is stale, the write conflicts, re-reads and stops.
    if (job?.data.properties.status === 'Cancelling') await context.progress(shown);
    await context.checkpoint();
    await deps.notifier.wait(context.jobName, deps.windows.pollMs, context.signal);
  }
}

