import type { MetadataStore, StoredRecord } from '../persistence/index.ts';
import { changeRecoveryPoint, markSnapshotDeleted, type RecoveryPointRecord } from '../points/index.ts';
import type { VaultTier } from './vault-tier.ts';

/** Removes a point's snapshot from its restore point collection; 'locked' when a lock on the collection or its group forbids it. */
export interface InstantTier {
  remove(point: RecoveryPointRecord, now: Date): Promise<'removed' | 'locked'>;
}

/** Forgets the point's repository point, then drops it from the record (or the record, when no snapshot is left). */
export async function releaseVaultCopy(store: MetadataStore, vault: VaultTier, point: StoredRecord<RecoveryPointRecord>): Promise<void> {
  const manifestId = point.data.arca.manifestId;
  if (manifestId === undefined) return;
  // Forget first: a crash in between leaves a record whose repository point is gone, which the next
  // pass forgets again (a no-op) and then drops, never repository data nobody can find.
  await vault.forget(manifestId);
  await changeRecoveryPoint(store, point.data.id, ({ manifestId: _gone, ...rest }) => rest);
}

/** Removes the point's snapshot from its collection; 'locked' leaves everything as it was, for the next pass. */
export async function releaseSnapshot(store: MetadataStore, instant: InstantTier, point: StoredRecord<RecoveryPointRecord>, now: Date): Promise<'removed' | 'locked'> {
  const snapshot = point.data.arca.instant;
  if (snapshot === undefined || snapshot.deleted !== undefined) return 'removed';
  if ((await instant.remove(point.data, now)) === 'locked') return 'locked';
  // The tier's own removal marked it already; a fake tier (tests) or a record written meanwhile is caught here.
  await markSnapshotDeleted(store, point.data.id, now);
  return 'removed';
}
