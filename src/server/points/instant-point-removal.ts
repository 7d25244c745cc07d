import { isArcaError, type ArcaError } from '../../core/errors/index.ts';
import { parseResourceId } from '../../core/ids/index.ts';
import type { DeletedInstantPoint } from '../../protocol/index.ts';
import { bumpIncarnation } from '../agents/goal-state-store.ts';
import { checkLocks, withRetryOnConflict } from '../arm/index.ts';
import { isConflictError, type MetadataOperations, type StoredRecord } from '../persistence/index.ts';
import { deleteInstantPoint, RESTORE_POINTS, type InstantPointRecord } from './instant-tier-store.ts';
import { RECOVERY_POINTS, type RecoveryPointArca } from './recovery-point-model.ts';
import { tierDetails } from './recovery-point-properties.ts';
import { getRecoveryPoint, saveRecoveryPoint } from './recovery-points-store.ts';

export interface InstantRemoval {
  /** The points that left their collection, as the machines' goal states list them. */
  readonly removed: readonly DeletedInstantPoint[];
  /** The lock's refusal that stopped the removal (the refused point and those after it stay), if any. */
  readonly locked?: ArcaError;
}

/** A point with neither a repository point nor a live snapshot holds nothing: its record goes. */
export function holdsNothing(arca: RecoveryPointArca): boolean {
  return arca.manifestId === undefined && (arca.instant === undefined || arca.instant.deleted !== undefined);
}

/**
 * Applies a change to a recovery point's `arca` and redraws the tiers GET shows; deletes the record
 * once it holds nothing. Re-read and re-applied when someone wrote in between.
 */
export async function changeRecoveryPoint(store: MetadataOperations, pointId: string, change: (arca: RecoveryPointArca) => RecoveryPointArca): Promise<void> {
  await withRetryOnConflict(async () => {
    const current = await getRecoveryPoint(store, pointId);
    if (current === undefined) return;
    const arca = change(current.data.arca);
    if (arca === current.data.arca) return;
    if (holdsNothing(arca)) {
      await store.delete(RECOVERY_POINTS, current.id, { expectedVersion: current.version });
      return;
    }
    const properties = { ...current.data.properties, recoveryPointTierDetails: tierDetails(arca) };
    await saveRecoveryPoint(store, { ...current.data, arca, properties }, current.version);
  });
}

/** The recovery point keeps its vault-tier copy; its instant tier shows Deleted (the record goes if nothing else is left). */
export function markSnapshotDeleted(store: MetadataOperations, recoveryPointId: string, now: Date): Promise<void> {
  return changeRecoveryPoint(store, recoveryPointId, (arca) =>
    arca.instant === undefined || arca.instant.deleted !== undefined ? arca : { ...arca, instant: { ...arca.instant, deleted: now.toISOString() } },
  );
}

/**
 * The one way a snapshot leaves the instant tier (backup's room-making, the retention pass, deleting
 * a restore point or a whole collection): for each point in order, unless a lock on the point, its
 * collection or their resource group forbids it, the restore point record is deleted and its
 * recovery point's instant tier marked Deleted; then each machine's goal state lists the points it
 * lost, in one new incarnation, so that its agent deletes the snapshot files. The first refusal
 * stops the removal (nothing of the refused point is written). Run it inside a transaction when the
 * removed points and the caller's own record of them must change together.
 */
export async function removeInstantPoints(
  store: MetadataOperations,
  points: readonly StoredRecord<InstantPointRecord>[],
  options: { readonly now: Date; readonly operation: (point: InstantPointRecord) => string },
): Promise<InstantRemoval> {
  const removed: DeletedInstantPoint[] = [];
  const byVm = new Map<string, DeletedInstantPoint[]>();
  let locked: ArcaError | undefined;
  for (const point of points) {
    try {
      await checkLocks(store, parseResourceId(point.data.id), 'delete', options.operation(point.data));
    } catch (error) {
      if (!(isArcaError(error) && error.code === 'ScopeLocked')) throw error;
      locked = error;
      break;
    }
    try {
      await deleteInstantPoint(store, point);
    } catch (error) {
      // Someone removed it meanwhile: it is gone either way, and they told its agent.
      if (!isConflictError(error) || (await store.get(RESTORE_POINTS, point.id)) !== undefined) throw error;
      continue;
    }
    await markSnapshotDeleted(store, point.data.arca.recoveryPointId, options.now);
    const gone: DeletedInstantPoint = { collectionId: point.data.arca.collectionId, pointName: point.data.name, snapshots: point.data.properties.snapshots };
    removed.push(gone);
    const vm = point.data.arca.vmId;
    byVm.set(vm, [...(byVm.get(vm) ?? []), gone]);
  }
  for (const [vmId, deleted] of byVm) await bumpIncarnation(store, vmId, deleted);
  return { removed, ...(locked ? { locked } : {}) };
}
