import { findMember } from './closed-set.ts';

/**
 * Where a recovery point's data lives, named as Azure's RecoveryPointTierType (without `Invalid`):
 * - InstantRP: the copy-on-write snapshots in the machine's restore point collection (the instant
 *   restore tier, kept 1–5 days);
 * - HardenedRP: the data in the vault's repository (the "Vault-Standard" tier);
 * - ArchivedRP: kept for wire compatibility; Arca has no archive tier yet and never produces it.
 * One point is usually in more than one tier; the portal's "recovery type" names the combination.
 */
export const RECOVERY_POINT_TIERS = ['InstantRP', 'HardenedRP', 'ArchivedRP'] as const;
export type RecoveryPointTier = (typeof RECOVERY_POINT_TIERS)[number];

/** Azure's RecoveryPointTierStatus, without `Invalid`. `Rehydrated` only applies to archived points. */
export const RECOVERY_POINT_TIER_STATUSES = ['Valid', 'Disabled', 'Deleted', 'Rehydrated'] as const;
export type RecoveryPointTierStatus = (typeof RECOVERY_POINT_TIER_STATUSES)[number];

export function parseRecoveryPointTier(value: string): RecoveryPointTier | undefined {
  return findMember(RECOVERY_POINT_TIERS, value);
}

export const RECOVERY_TYPE_LABELS = {
  snapshot: 'Snapshot',
  vault: 'Vault-Standard',
  snapshotAndVault: 'Snapshot and Vault-Standard',
  archive: 'Vault-Archive',
} as const;
export type RecoveryTypeLabel = (typeof RECOVERY_TYPE_LABELS)[keyof typeof RECOVERY_TYPE_LABELS];

/** The label shown for a point whose data is valid in `tiers`; undefined when it is in none. */
export function recoveryTypeLabel(tiers: readonly RecoveryPointTier[]): RecoveryTypeLabel | undefined {
  const instant = tiers.includes('InstantRP');
  const vault = tiers.includes('HardenedRP');
  if (instant && vault) return RECOVERY_TYPE_LABELS.snapshotAndVault;
  if (instant) return RECOVERY_TYPE_LABELS.snapshot;
  if (vault) return RECOVERY_TYPE_LABELS.vault;
  if (tiers.includes('ArchivedRP')) return RECOVERY_TYPE_LABELS.archive;
  return undefined;
}
