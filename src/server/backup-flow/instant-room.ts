import { isArcaError } from '../../core/errors/index.ts';
import { parseResourceId } from '../../core/ids/index.ts';
import { checkRestorePointCapacity } from '../../core/limits.ts';
import type { DeletedInstantPoint } from '../../protocol/index.ts';
import { bumpIncarnation } from '../agents/index.ts';
import { checkLocks, withRetryOnConflict } from '../arm/index.ts';
import type { StoredError } from '../jobs/index.ts';
import { isConflictError, type MetadataOperations, type StoredRecord } from '../persistence/index.ts';
import {
  deleteInstantPoint,
  ensureInstantCollection,
  getRecoveryPoint,
  instantPointsOfVm,
  saveRecoveryPoint,
  tierDetails,
  type InstantCollection,
  type InstantPointRecord,
} from '../points/index.ts';
import type { VirtualMachineRecord } from '../resources/virtual-machine-model.ts';

export interface InstantRoom {
  readonly collection: InstantCollection;
  /** BackUpOperationFailedV2 when expired points could not be deleted but room was left. */
  readonly warnings: readonly StoredError[];
}

/** The recovery point keeps its vault-tier data; only its instant tier is marked deleted. */
async function markInstantDeleted(store: MetadataOperations, recoveryPointId: string, now: Date): Promise<void> {
  await withRetryOnConflict(async () => {
    const record = await getRecoveryPoint(store, recoveryPointId);
    const instant = record?.data.arca.instant;
    if (!record || !instant || instant.deleted) return;
    const arca = { ...record.data.arca, instant: { ...instant, deleted: now.toISOString() } };
    const properties = { ...record.data.properties, recoveryPointTierDetails: tierDetails(arca) };
    await saveRecoveryPoint(store, { ...record.data, arca, properties }, record.version);
  });
}

/**
 * Deletes one expired point, or answers false when a lock forbids it. Deleting is what the lock on
 * the collection's resource group blocks (checkLocks, as for any delete).
 */
async function deleteExpired(store: MetadataOperations, vm: VirtualMachineRecord, point: StoredRecord<InstantPointRecord>, now: Date): Promise<boolean> {
  try {
    await checkLocks(store, parseResourceId(point.data.arca.collectionId), 'delete', `deleting the expired restore point ${point.data.name} of ${vm.name}`);
  } catch (error) {
    if (isArcaError(error) && error.code === 'ScopeLocked') return false;
    throw error;
  }
  try {
    await deleteInstantPoint(store, point);
  } catch (error) {
    // Retention removed it meanwhile: it is gone either way.
    if (!isConflictError(error)) throw error;
  }
  await markInstantDeleted(store, point.data.arca.recoveryPointId, now);
  return true;
}

/**
 * Makes room in the instant tier before a snapshot (ADR 5): expired points (past the policy's
 * instant retention) are deleted except the newest one; the agent learns through its goal state to
 * remove their files. If the VM still holds 18 points, UserErrorRpCollectionLimitReached; if only
 * the deletion was refused, the backup goes on with BackUpOperationFailedV2 as a warning.
 */
export async function makeInstantRoom(store: MetadataOperations, vm: VirtualMachineRecord, now: Date): Promise<InstantRoom> {
  const collection = await ensureInstantCollection(store, vm);
  const points = await instantPointsOfVm(store, vm.id);
  const newest = points.at(-1);
  const expired = points.filter((point) => point !== newest && Date.parse(point.data.arca.expiresAt) <= now.getTime());
  const deleted: DeletedInstantPoint[] = [];
  let refused = false;
  for (const point of expired) {
    if (!(await deleteExpired(store, vm, point, now))) {
      refused = true;
      break;
    }
    deleted.push({ collectionId: point.data.arca.collectionId, pointName: point.data.name, snapshots: point.data.properties.snapshots });
  }
  if (deleted.length > 0) await bumpIncarnation(store, vm.id, deleted);
  checkRestorePointCapacity(points.length - deleted.length, { vmName: vm.name, resourceGroup: collection.resourceGroup });
  const warnings = refused ? [{ code: 'BackUpOperationFailedV2', params: { vmName: vm.name, resourceGroup: collection.resourceGroup } }] : [];
  return { collection, warnings };
}

