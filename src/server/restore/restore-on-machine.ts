import { ArcaError, type CatalogCode } from '../../core/errors/index.ts';
import { bumpIncarnation, createAgentTask, getAgentTask, type AgentTaskNotifier, type AgentTaskRecord } from '../agents/index.ts';
import type { JobContext } from '../jobs/index.ts';
import type { MetadataStore } from '../persistence/index.ts';
import { getVirtualMachine } from '../resources/index.ts';
import type { VmDisk } from '../resources/virtual-machine-model.ts';
import type { RestorePlan } from './restore-plan.ts';

/** How the restore job waits on the machine's agent (the backup's windows, see backup-flow-deps.ts). */
export interface RestoreAgentDeps {
  readonly notifier: AgentTaskNotifier;
  /** Re-read the task at least this often (reports reaching another replica, the windows). */
  readonly pollMs: number;
  /** The agent never picked the task up within this: its status is unavailable. */
  readonly pickupMs: number;
  /** The agent picked it up, then said nothing for this long. */
  readonly silenceMs: number;
}

function diskOf(disks: readonly VmDisk[], lun: number | undefined): VmDisk | undefined {
  return disks.find((disk) => disk.lun === lun);
}

/** The restore task for the plan's disks, each at the path the machine's agent registered for it. */
async function restoreTask(store: MetadataStore, context: JobContext, plan: RestorePlan, instant: NonNullable<RestorePlan['instant']>): Promise<AgentTaskRecord> {
  const vm = await getVirtualMachine(store, plan.sourceVmId);
  if (!vm) throw new ArcaError('ResourceNotFound', { resourceId: plan.sourceVmId });
  const { osDisk, dataDisks } = vm.data.properties.storageProfile;
  const disks = plan.disks.map((planned) => {
    const disk = planned.lun === undefined ? osDisk : diskOf(dataDisks, planned.lun);
    if (disk?.path === undefined) {
      throw new ArcaError('ArcaInternalError', { operation: `restoring ${plan.vmName} from its instant snapshot`, reference: `the machine's agent registered no path for disk ${planned.name}` });
    }
    return { name: planned.name, ...(planned.lun === undefined ? {} : { lun: planned.lun }), path: disk.path };
  });
  const now = context.now().toISOString();
  return {
    taskId: context.jobName,
    vmId: vm.data.id,
    settings: { kind: 'restore', jobName: context.jobName, collectionId: instant.collectionId, pointName: instant.pointName, consistencyWanted: 'FileSystemConsistent', disks },
    created: now,
    status: 'pending',
    updated: now,
  };
}

function agentFailure(task: AgentTaskRecord, vmName: string): ArcaError {
  const error = task.error ?? { code: 'RestoreFailedInternalError', params: {} };
  return new ArcaError(error.code as CatalogCode, { vmName, ...error.params });
}

function checkWindows(agents: RestoreAgentDeps, task: AgentTaskRecord, now: Date, vmName: string): void {
  if (task.pickedUp === undefined) {
    if (now.getTime() - Date.parse(task.created) > agents.pickupMs) throw new ArcaError('UserErrorGuestAgentStatusUnavailable', { vmName, agentStatus: 'Unresponsive' });
    return;
  }
  const heard = Math.max(Date.parse(task.pickedUp), Date.parse(task.updated));
  if (now.getTime() - heard > agents.silenceMs) throw new ArcaError('UserErrorGuestAgentStatusUnavailable', { vmName, agentStatus: 'Unresponsive' });
}

/**
 * OriginalLocation from an instant point: the machine's agent clones the point's snapshots back over
 * the disks, after a safety point of them (src/extensions/vmsnapshot/restore-task.ts). Writes the
 * `restore` task (once: a resumed job follows the task it wrote) and bumps the goal state, then
 * follows the agent's reports as the job's progress until the task settles; returns the settled task.
 */
export async function restoreOnMachine(store: MetadataStore, agents: RestoreAgentDeps, context: JobContext, plan: RestorePlan): Promise<AgentTaskRecord> {
  const instant = plan.instant;
  if (instant === undefined) throw new ArcaError('ArcaInternalError', { operation: 'restoring on the machine', reference: 'the plan names no instant snapshot' });
  if ((await getAgentTask(store, context.jobName)) === undefined) {
    const task = await restoreTask(store, context, plan, instant);
    await createAgentTask(store, task);
    await bumpIncarnation(store, task.vmId);
  }
  let shown = -1;
  for (;;) {
    const record = await getAgentTask(store, context.jobName);
    if (!record) throw new ArcaError('ArcaInternalError', { operation: 'following the restore task', reference: context.jobName });
    const task = record.data;
    if (task.status === 'error') throw agentFailure(task, plan.vmName);
    if (task.status === 'success') return task;
    const progress = task.progress ?? 0;
    if (progress !== shown) {
      await context.progress(progress);
      shown = progress;
    }
    checkWindows(agents, task, context.now(), plan.vmName);
    await context.checkpoint();
    await agents.notifier.wait(context.jobName, agents.pollMs, context.signal);
  }
}
