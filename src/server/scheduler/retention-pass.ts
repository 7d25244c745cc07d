import { PROTECTION_STATES } from '../../core/states/index.ts';
import type { StoredPolicy, StoredProtectedItem } from '../backup/index.ts';
import type { MetadataStore } from '../persistence/index.ts';
import { getRecoveryPoint, recoveryPointsOfItem } from '../points/recovery-points-store.ts';
import { releaseSnapshot, releaseVaultCopy, type InstantTier } from './point-release.ts';
import { decideExpiries } from './retention-decisions.ts';
import { itemsInStates, policyReader } from './scheduled-items.ts';
import type { VaultTier } from './vault-tier.ts';

export interface RetentionLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface RetentionDeps {
  readonly store: MetadataStore;
  /** Absent: the vault tier is left alone (nothing can be forgotten without the repository). */
  readonly vault?: VaultTier;
  readonly instant: InstantTier;
  readonly log: RetentionLog;
}

export interface RetentionReport {
  /** Points whose repository point was forgotten. */
  readonly forgotten: string[];
  /** Points whose snapshot left the restore point collection. */
  readonly snapshotsRemoved: string[];
  /** Snapshots a lock kept; the next pass tries again. */
  readonly snapshotsLocked: string[];
  /** Points whose release failed (logged); the next pass tries again. */
  readonly failed: string[];
}

export function emptyReport(): RetentionReport {
  return { forgotten: [], snapshotsRemoved: [], snapshotsLocked: [], failed: [] };
}

/** Soft-deleted items keep everything until they are purged or undeleted. */
const RETAINED_STATES = PROTECTION_STATES.filter((state) => state !== 'SoftDeleted');

async function retainItem(deps: RetentionDeps, item: StoredProtectedItem, policy: StoredPolicy | undefined, now: Date, report: RetentionReport): Promise<void> {
  const points = await recoveryPointsOfItem(deps.store, item.id);
  if (points.length === 0) return;
  const context = policy === undefined ? undefined : { retention: policy.policy.retention, timeZone: policy.policy.timeZone };
  const decision = decideExpiries(points.map((p) => ({ id: p.data.id, arca: p.data.arca })), context, now);
  const byId = new Map(points.map((p) => [p.data.id, p]));
  // Snapshots first: a point that leaves both tiers then loses its record in one step.
  for (const id of decision.instant) {
    const point = byId.get(id);
    if (point === undefined) continue;
    try {
      const result = await releaseSnapshot(deps.store, deps.instant, point, now);
      (result === 'locked' ? report.snapshotsLocked : report.snapshotsRemoved).push(id);
      if (result === 'locked') deps.log.warn({ item: item.id, point: id, collection: point.data.arca.instant?.collectionId }, 'expired instant restore point kept: a lock forbids deleting it; the next retention pass tries again');
    } catch (error) {
      report.failed.push(id);
      deps.log.error({ err: error, item: item.id, point: id }, 'removing an expired instant restore point failed; the next retention pass tries again');
    }
  }
  if (deps.vault === undefined) return;
  for (const id of decision.vault) {
    // Read again: the snapshot pass may have changed the record.
    const point = await getRecoveryPoint(deps.store, id);
    if (point === undefined) continue;
    try {
      await releaseVaultCopy(deps.store, deps.vault, point);
      report.forgotten.push(id);
    } catch (error) {
      report.failed.push(id);
      deps.log.error({ err: error, item: item.id, point: id }, 'expiring a recovery point from the vault failed; the next retention pass tries again');
    }
  }
}

/**
 * One retention pass over every protected item that is not soft-deleted: the policy's long-term
 * retention expires vault-tier points (their repository points are forgotten; prune frees the data
 * later), expired instant snapshots leave their collections unless a lock forbids it, and each
 * item keeps its newest point in both tiers (see retention-decisions.ts).
 */
export async function runRetention(deps: RetentionDeps, now: Date): Promise<RetentionReport> {
  const report = emptyReport();
  const policyOf = policyReader(deps.store);
  for (const { data: item } of await itemsInStates(deps.store, RETAINED_STATES)) {
    const policy = item.policyId === undefined ? undefined : await policyOf(item.policyId);
    try {
      await retainItem(deps, item, policy, now, report);
    } catch (error) {
      deps.log.error({ err: error, item: item.id }, 'retention of a protected item failed; the next pass tries again');
    }
  }
  return report;
}
