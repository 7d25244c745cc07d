import { isArcaError, type ArcaError } from '../../core/errors/index.ts';
import { withRetryOnConflict } from '../arm/index.ts';
import type { MetadataStore, StoredRecord } from '../persistence/index.ts';
import { getRecoveryPoint, RECOVERY_POINTS, saveRecoveryPoint, tierDetails, type RecoveryPointArca, type RecoveryPointRecord } from '../points/index.ts';
import type { VaultTier } from './vault-tier.ts';

/** Removes a point's snapshot from its restore point collection; 'locked' when a lock on the collection or its group forbids it. */
export interface InstantTier {
  remove(point: RecoveryPointRecord, now: Date): Promise<'removed' | 'locked'>;
}

/** A lock's refusal, as `checkLocks` throws it. */
export function isLockRefusal(error: unknown): error is ArcaError {
  return isArcaError(error) && error.code === 'ScopeLocked';
}

/**
 * Applies a change to a point's record: a new `arca`, or 'delete' once neither tier holds anything.
 * Re-read and re-applied when someone wrote in between.
 */
async function changeRecord(store: MetadataStore, pointId: string, change: (arca: RecoveryPointArca) => RecoveryPointArca): Promise<void> {
  await withRetryOnConflict(async () => {
    const current = await getRecoveryPoint(store, pointId);
    if (current === undefined) return;
    const arca = change(current.data.arca);
    const empty = arca.manifestId === undefined && (arca.instant === undefined || arca.instant.deleted !== undefined);
    if (empty) {
      await store.delete(RECOVERY_POINTS, current.id, { expectedVersion: current.version });
      return;
    }
    // What GET shows of the tiers follows what is left.
    const properties = { ...current.data.properties, recoveryPointTierDetails: tierDetails(arca) };
    await saveRecoveryPoint(store, { ...current.data, arca, properties }, current.version);
  });
}

/** Forgets the point's repository point, then drops it from the record (or the record, when no snapshot is left). */
export async function releaseVaultCopy(store: MetadataStore, vault: VaultTier, point: StoredRecord<RecoveryPointRecord>): Promise<void> {
  const manifestId = point.data.arca.manifestId;
  if (manifestId === undefined) return;
  // Forget first: a crash in between leaves a record whose repository point is gone, which the next
  // pass forgets again (a no-op) and then drops, never repository data nobody can find.
  await vault.forget(manifestId);
  await changeRecord(store, point.data.id, ({ manifestId: _gone, ...rest }) => rest);
}

/** Removes the point's snapshot from its collection; 'locked' leaves everything as it was, for the next pass. */
export async function releaseSnapshot(store: MetadataStore, instant: InstantTier, point: StoredRecord<RecoveryPointRecord>, now: Date): Promise<'removed' | 'locked'> {
  const snapshot = point.data.arca.instant;
  if (snapshot === undefined || snapshot.deleted !== undefined) return 'removed';
  if ((await instant.remove(point.data, now)) === 'locked') return 'locked';
  await changeRecord(store, point.data.id, (arca) => (arca.instant === undefined ? arca : { ...arca, instant: { ...arca.instant, deleted: now.toISOString() } }));
  return 'removed';
}
