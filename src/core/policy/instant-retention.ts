import { ArcaError } from '../errors/index.ts';

/**
 * How many days the instant-restore tier (the local snapshots in the machine's restore point
 * collection) keeps each point, as `instantRpRetentionRangeInDays` sets it.
 */
export const INSTANT_RP_RETENTION_DAYS = { min: 1, max: 5, default: 2 } as const;

/** Returns `days`, or throws `UserErrorInstantRpRetentionOutOfRange` for a fraction or a value out of range. */
export function validateInstantRetention(days: number): number {
  const { min, max } = INSTANT_RP_RETENTION_DAYS;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < min || days > max) {
    throw new ArcaError('UserErrorInstantRpRetentionOutOfRange', {
      days: typeof days === 'number' ? days : String(days),
      min,
      max,
    });
  }
  return days;
}
