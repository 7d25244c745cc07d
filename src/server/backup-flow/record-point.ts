import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { formatResourceId, parseResourceId, recoveryPointId } from '../../core/ids/index.ts';
import { POINT_METADATA } from '../../protocol/index.ts';
import type { RecoveryPointManifest } from '../../storage/points/manifest.ts';
import type { AgentTaskRecord } from '../agents/index.ts';
import { getBackupPolicy, updateProtectedItem, type StoredProtectedItem } from '../backup/index.ts';
import type { JobContext } from '../jobs/index.ts';
import { newInstantPoint, recoveryPointProperties, saveInstantPoint, saveRecoveryPoint, type RecoveryPointArca } from '../points/index.ts';
import { getVirtualMachine } from '../resources/virtual-machines-store.ts';
import type { BackupFlowDeps } from './backup-flow-deps.ts';
import type { BackupJobPayload } from './backup-job-payload.ts';
import { afterSuccess } from './item-outcome.ts';
import { vmNameOf } from './machine-checks.ts';

const DAY_MS = 86_400_000;
const DEFAULT_INSTANT_DAYS = 2;

/** The point the agent says it wrote, read back from the vault's repository and checked to be this task's. */
async function verifiedManifest(deps: BackupFlowDeps, task: AgentTaskRecord, machineId: string, vmName: string, signal: AbortSignal): Promise<RecoveryPointManifest> {
  const manifestId = task.result?.manifestId ?? '';
  let manifest: RecoveryPointManifest;
  try {
    manifest = await deps.loadPoint(manifestId, signal);
  } catch (error) {
    if (isArcaError(error) && (error.code === 'RecoveryPointNotFound' || error.code === 'UserErrorInvalidArgument')) {
      throw new ArcaError('BackupPointNotInVault', { vmName, manifestId, reason: 'has no such point in its repository' }, { cause: error });
    }
    throw error;
  }
  if (manifest.metadata[POINT_METADATA.taskId] !== task.taskId || manifest.metadata[POINT_METADATA.machineId]?.toLowerCase() !== machineId.toLowerCase()) {
    throw new ArcaError('BackupPointNotInVault', { vmName, manifestId, reason: 'holds that point for another backup or machine' });
  }
  if (manifest.disks.length !== task.settings.disks.length) {
    throw new ArcaError('BackupPointNotInVault', { vmName, manifestId, reason: `holds ${manifest.disks.length} disk(s) in that point, not the ${task.settings.disks.length} asked for` });
  }
  return manifest;
}

/**
 * Ends a successful snapshot task: checks the repository point, then in one transaction writes the
 * recovery point (instant and vault tiers), adds the snapshot to the VM's restore point collection
 * and moves the item to Protected. Returns the point's time.
 */
export async function recordBackup(
  deps: BackupFlowDeps,
  context: JobContext,
  input: { item: StoredProtectedItem; task: AgentTaskRecord; payload: BackupJobPayload; status: 'Completed' | 'CompletedWithWarnings' },
): Promise<string> {
  const { item, task, payload } = input;
  const vm = await getVirtualMachine(deps.store, task.vmId);
  if (!vm) throw new ArcaError('BCMV2VMNotFound', { vmName: vmNameOf(task.vmId) });
  const manifest = await verifiedManifest(deps, task, vm.data.properties.vmId, vm.data.name, context.signal);
  const policy = item.policyId ? await getBackupPolicy(deps.store, item.policyId) : undefined;
  const instantDays = policy?.data.policy.instantRpRetentionRangeInDays ?? DEFAULT_INSTANT_DAYS;
  const time = task.snapshotTakenAt ?? context.now().toISOString();
  const { collectionId, pointName } = task.settings;
  const arca: RecoveryPointArca = {
    vaultId: item.vaultId,
    itemId: item.id,
    vmId: vm.data.id,
    time,
    consistency: task.result?.consistency ?? 'CrashConsistent',
    ...(task.result?.consistencyReason ? { consistencyReason: task.result.consistencyReason } : {}),
    manifestId: manifest.id,
    instant: { collectionId, pointName, expiresAt: new Date(Date.parse(time) + instantDays * DAY_MS).toISOString() },
    ...(payload.recoveryPointExpiryTime ? { vaultExpiresAt: payload.recoveryPointExpiryTime } : {}),
    disks: task.settings.disks.map((disk, i) => ({ name: disk.name, ...(disk.lun === undefined ? {} : { lun: disk.lun }), sizeBytes: manifest.disks[i]?.size ?? 0 })),
    jobName: context.jobName,
  };
  const id = formatResourceId(recoveryPointId(parseResourceId(item.id), pointName));
  const instant = newInstantPoint({
    collectionId,
    pointName,
    vmId: vm.data.id,
    machineId: vm.data.properties.vmId,
    location: vm.data.location ?? '',
    consistency: arca.consistency,
    time,
    expiresAt: arca.instant?.expiresAt ?? time,
    snapshots: task.result?.snapshots ?? [],
    recoveryPointId: id,
  });
  await deps.store.transaction(async (operations) => {
    await saveRecoveryPoint(operations, { id, name: pointName, type: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints', properties: recoveryPointProperties(arca, vm.data), arca }, 0);
    await saveInstantPoint(operations, instant);
    await updateProtectedItem(operations, item.id, (current) => afterSuccess(current, { status: input.status, pointTime: time, now: context.now() }));
  });
  return time;
}
