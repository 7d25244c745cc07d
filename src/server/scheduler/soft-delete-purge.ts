import { getProtectedItem, purgeExpiredSoftDeleted } from '../backup/index.ts';
import type { StoredRecord } from '../persistence/index.ts';
import { RECOVERY_POINTS, type RecoveryPointRecord } from '../points/recovery-point-model.ts';
import { releaseSnapshot, releaseVaultCopy } from './point-release.ts';
import { hasLiveSnapshot } from './retention-decisions.ts';
import { emptyReport, type RetentionDeps, type RetentionReport } from './retention-pass.ts';
import { collectPages } from './scheduled-items.ts';

export interface PurgeReport extends RetentionReport {
  /** Items whose soft-delete period ended in this pass. */
  readonly purgedItems: string[];
}

async function releasePoint(deps: RetentionDeps & { vault: NonNullable<RetentionDeps['vault']> }, point: StoredRecord<RecoveryPointRecord>, now: Date, report: RetentionReport): Promise<void> {
  try {
    const hadSnapshot = hasLiveSnapshot(point.data);
    if ((await releaseSnapshot(deps.store, deps.instant, point, now)) === 'locked') {
      report.snapshotsLocked.push(point.data.id);
      deps.log.warn({ point: point.data.id, collection: point.data.arca.instant?.collectionId }, 'snapshot of a purged item kept: a lock forbids deleting it; the next pass tries again');
    } else if (hadSnapshot) {
      report.snapshotsRemoved.push(point.data.id);
    }
    if (point.data.arca.manifestId !== undefined) {
      await releaseVaultCopy(deps.store, deps.vault, point);
      report.forgotten.push(point.data.id);
    }
  } catch (error) {
    report.failed.push(point.data.id);
    deps.log.error({ err: error, point: point.data.id }, 'releasing the data of a purged item failed; the next pass tries again');
  }
}

/** An item id that cannot even be read is left alone: only a clearly missing item's data is released. */
async function itemExists(deps: RetentionDeps, itemId: string): Promise<boolean> {
  try {
    return (await getProtectedItem(deps.store, itemId)) !== undefined;
  } catch {
    return true;
  }
}

/**
 * Ends soft delete for items deleted 14 days ago (`purgeExpiredSoftDeleted`, which leaves an item
 * undeleted meanwhile alone), then releases the data of every item that no longer exists: snapshots
 * leave their collections, repository points are forgotten, records go. Releasing by "item gone"
 * rather than by the list just purged also finishes what a crash interrupted in an earlier pass.
 */
export async function purgeSoftDeleted(deps: RetentionDeps, now: Date): Promise<PurgeReport> {
  const purged = await purgeExpiredSoftDeleted(deps.store, now);
  for (const item of purged) deps.log.info({ item: item.id, deletedAt: item.softDelete?.deletedAt }, 'soft-deleted backup data purged');
  const report: PurgeReport = { ...emptyReport(), purgedItems: purged.map((item) => item.id) };
  const vault = deps.vault;
  if (vault === undefined) return report;
  const exists = new Map<string, boolean>();
  const points = await collectPages((continuation) => deps.store.list<RecoveryPointRecord>(RECOVERY_POINTS, { limit: 1000, ...(continuation ? { continuation } : {}) }));
  for (const point of points) {
    const itemKey = point.data.arca.itemId.toLowerCase();
    if (!exists.has(itemKey)) exists.set(itemKey, await itemExists(deps, point.data.arca.itemId));
    if (exists.get(itemKey) === true) continue;
    await releasePoint({ ...deps, vault }, point, now, report);
  }
  return report;
}
