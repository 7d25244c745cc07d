import { applyRetention, type RetentionContext } from '../../core/policy/index.ts';
import type { RecoveryPointArca } from '../points/recovery-point-model.ts';

/**
 * Which tiers of an item's recovery points expire at `now`, decided without I/O.
 *
 * Vault tier (points with a repository point): points with their own `vaultExpiresAt` (on-demand
 * backups) leave at that time; the others follow the policy's long-term retention (core
 * `applyRetention`, which also takes no part of on-demand points, so that they never stand in for a
 * day's scheduled point); an item without a policy (protection stopped, data kept) loses nothing by
 * rule. Instant tier: snapshots past their `expiresAt` leave the collection. In both tiers the
 * item's newest point stays whatever the rules say, so that an item whose machine is gone or whose
 * protection is stopped or paused keeps its last point.
 */
export interface PointFacts {
  readonly id: string;
  readonly arca: Pick<RecoveryPointArca, 'time' | 'manifestId' | 'vaultExpiresAt' | 'instant'>;
}

export interface ExpiryDecision {
  /** Points whose repository point is forgotten. */
  readonly vault: readonly string[];
  /** Points whose snapshot leaves the restore point collection. */
  readonly instant: readonly string[];
}

function newestOf(points: readonly PointFacts[]): string | undefined {
  const sorted = points.toSorted((a, b) => Date.parse(b.arca.time) - Date.parse(a.arca.time) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sorted[0]?.id;
}

export function hasLiveSnapshot(point: PointFacts): boolean {
  return point.arca.instant !== undefined && point.arca.instant.deleted === undefined;
}

export function vaultExpiries(points: readonly PointFacts[], policy: RetentionContext | undefined, now: Date): string[] {
  const inVault = points.filter((p) => p.arca.manifestId !== undefined);
  const newest = newestOf(inVault);
  const expired = new Set<string>();
  for (const point of inVault) {
    const until = point.arca.vaultExpiresAt;
    if (until !== undefined && Date.parse(until) <= now.getTime()) expired.add(point.id);
  }
  if (policy !== undefined) {
    const ruled = inVault.filter((p) => p.arca.vaultExpiresAt === undefined).map((p) => ({ id: p.id, time: new Date(p.arca.time) }));
    for (const { id } of applyRetention(ruled, policy, now).remove) expired.add(id);
  }
  return inVault.filter((p) => p.id !== newest && expired.has(p.id)).map((p) => p.id);
}

export function instantExpiries(points: readonly PointFacts[], now: Date): string[] {
  const live = points.filter(hasLiveSnapshot);
  const newest = newestOf(live);
  return live.filter((p) => p.id !== newest && Date.parse(p.arca.instant?.expiresAt ?? '') <= now.getTime()).map((p) => p.id);
}

export function decideExpiries(points: readonly PointFacts[], policy: RetentionContext | undefined, now: Date): ExpiryDecision {
  return { vault: vaultExpiries(points, policy, now), instant: instantExpiries(points, now) };
}
