import { ArcaError, type CatalogCode } from '../../core/errors/index.ts';
import { bumpIncarnation, createAgentTask, getAgentTask, type AgentTaskNotifier, type AgentTaskRecord, type SnapshotTaskSettings } from '../agents/index.ts';
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

/** Where the task reads from: the instant point's snapshots, or the vault tier's repository point. */
function sourceOf(plan: RestorePlan): Pick<SnapshotTaskSettings, 'collectionId' | 'pointName' | 'repositoryPointId'> {
  if (plan.instant) return { collectionId: plan.instant.collectionId, pointName: plan.instant.pointName };
  if (plan.agentVault && plan.manifestId !== '') return { collectionId: plan.agentVault.collectionId, pointName: plan.pointName, repositoryPointId: plan.manifestId };
  throw new ArcaError('ArcaInternalError', { operation: 'restoring on the machine', reference: 'the plan names neither an instant snapshot nor a vault-tier point for the agent' });
}

/** The restore task for the plan's disks, each at the path the machine's agent registered for it. */
async function restoreTask(store: MetadataStore, context: JobContext, plan: RestorePlan): Promise<AgentTaskRecord> {
  const source = sourceOf(plan);
  const vm = await getVirtualMachine(store, plan.sourceVmId);
  if (!vm) throw new ArcaError('ResourceNotFound', { resourceId: plan.sourceVmId });
  const { osDisk, dataDisks } = vm.data.properties.storageProfile;
  const disks = plan.disks.map((planned) => {
    const disk = planned.lun === undefined ? osDisk : diskOf(dataDisks, planned.lun);
    if (disk?.path === undefined) {
      throw new ArcaError('ArcaInternalError', { operation: `restoring ${plan.vmName} on the machine`, reference: `the machine's agent registered no path for disk ${planned.name}` });
    }
    const pointDisk = source.repositoryPointId === undefined ? {} : { pointDisk: planned.index };
    return { name: planned.name, ...(planned.lun === undefined ? {} : { lun: planned.lun }), path: disk.path, ...pointDisk };
  });
  const now = context.now().toISOString();
  return {
    taskId: context.jobName,
    vmId: vm.data.id,
    settings: { kind: 'restore', jobName: context.jobName, ...source, consistencyWanted: 'FileSystemConsistent', disks },
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
 * OriginalLocation done by the machine's agent, after a safety point of the disks
 * (src/extensions/vmsnapshot/restore-task.ts): from an instant point it clones the point's snapshots
 * back over the disks; from the vault tier it reads the repository point's chunks through the
 * restore read routes and writes only those that differ. Writes the `restore` task (once: a resumed
 * job follows the task it wrote) and bumps the goal state, then follows the agent's reports as the
 * job's progress until the task settles; returns the settled task.
 */
export async function restoreOnMachine(store: MetadataStore, agents: RestoreAgentDeps, context: JobContext, plan: RestorePlan): Promise<AgentTaskRecord> {
  if ((await getAgentTask(store, context.jobName)) === undefined) {
    const task = await restoreTask(store, context, plan);
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
