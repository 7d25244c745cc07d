import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { bumpIncarnation, getAgentTask, updateAgentTask, type AgentTaskRecord } from '../agents/index.ts';
import { getProtectedItem, updateProtectedItem } from '../backup/index.ts';
import type { JobContext, JobHandler, JobOutcome, StoredError } from '../jobs/index.ts';
import { isRunSignal, JobCancelledSignal } from '../jobs/job-signals.ts';
import type { BackupFlowDeps } from './backup-flow-deps.ts';
import { readBackupPayload } from './backup-job-payload.ts';
import { makeInstantRoom } from './instant-room.ts';
import { afterFailure } from './item-outcome.ts';
import { checkMachine } from './machine-checks.ts';
import { recordBackup } from './record-point.ts';
import { followSnapshotTask, writeSnapshotTask } from './snapshot-task.ts';

/** Set on the job when expired instant points could not be deleted; read back if the job resumes. */
const CLEANUP_PROPERTY = 'Instant restore cleanup';

/** Take Snapshot up to the agent task: checks, room in the instant tier, the task itself (or the one an earlier lease wrote). */
async function startSnapshot(deps: BackupFlowDeps, context: JobContext): Promise<StoredError[]> {
  const existing = await getAgentTask(deps.store, context.jobName);
  const warnings = (): StoredError[] => {
    const noted = context.job().properties.extendedInfo.propertyBag[CLEANUP_PROPERTY];
    return noted ? [JSON.parse(noted) as StoredError] : [];
  };
  if (existing) return warnings();
  await context.progress(0);
  const vm = await checkMachine(deps.store, context.vmId, context.now(), { agentUnresponsiveMs: deps.windows.agentUnresponsiveMs, backupServiceObjectId: deps.backupServiceObjectId, onDemand: readBackupPayload(context.payload).trigger === 'OnDemand', ...(deps.minimumAgentVersion ? { minimumAgentVersion: deps.minimumAgentVersion } : {}) });
  const room = await makeInstantRoom(deps.store, vm.data, context.now());
  for (const warning of room.warnings) await context.setProperty(CLEANUP_PROPERTY, JSON.stringify(warning));
  await writeSnapshotTask(deps, context, vm.data, room.collection);
  return warnings();
}

async function runBackup(deps: BackupFlowDeps, context: JobContext): Promise<JobOutcome> {
  const payload = readBackupPayload(context.payload);
  const item = await getProtectedItem(deps.store, context.itemId);
  if (!item) throw new ArcaError('ResourceNotFound', { resourceId: context.itemId });
  const warnings = await startSnapshot(deps, context);
  const task = await followSnapshotTask(deps, context);
  const status = warnings.length > 0 ? 'CompletedWithWarnings' : 'Completed';
  await recordBackup(deps, context, { item: item.data, task, payload, status });
  return status === 'Completed' ? { status } : { status, warnings };
}

/** The task is called off: the agent stops at its next step and thaws; files of a snapshot it took are removed. */
async function abandonTask(deps: BackupFlowDeps, context: JobContext, to: 'cancelled' | 'error', error?: StoredError): Promise<void> {
  const record = await getAgentTask(deps.store, context.jobName);
  if (!record || ['success', 'error', 'cancelled'].includes(record.data.status)) return;
  const now = context.now().toISOString();
  const recorded = error && { code: error.code, params: Object.fromEntries(Object.entries(error.params).map(([k, v]) => [k, typeof v === 'boolean' ? String(v) : v])) };
  const updated = await updateAgentTask(deps.store, context.jobName, (task): AgentTaskRecord => ({ ...task, status: to, updated: now, ...(recorded ? { error: recorded } : {}) }));
  const { settings, result, vmId } = updated.data;
  const snapshots = result?.snapshots ?? [];
  await bumpIncarnation(deps.store, vmId, snapshots.length > 0 ? [{ collectionId: settings.collectionId, pointName: settings.pointName, snapshots }] : []);
}

/**
 * The Backup job (ADR 5): Take Snapshot (machine checks, instant-tier room, the agent's snapshot
 * task), then Transfer data to vault (the agent writes the repository point), then the recovery
 * point and the item. A failure ends the job Failed with its catalog code (not retried inside the
 * job: the job offers Retriable when the code says retrying helps) and marks the item; a cancel
 * calls the agent task off.
 */
export function backupHandler(deps: BackupFlowDeps): JobHandler {
  return async (context) => {
    try {
      return await runBackup(deps, context);
    } catch (error) {
      if (error instanceof JobCancelledSignal) await abandonTask(deps, context, 'cancelled');
      if (isRunSignal(error) || !isArcaError(error)) throw error;
      const failure: StoredError = { code: error.code, params: error.params };
      await abandonTask(deps, context, 'error', failure);
      const machineGone = error.code === 'BCMV2VMNotFound';
      await updateProtectedItem(deps.store, context.itemId, (item) => afterFailure(item, { machineGone, now: context.now() })).catch((cause: unknown) => {
        if (!(isArcaError(cause) && cause.code === 'ResourceNotFound')) throw cause;
      });
      return { status: 'Failed', error: failure };
    }
  };
}
