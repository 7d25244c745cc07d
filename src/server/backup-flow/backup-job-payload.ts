/**
 * What a Backup job carries (the queue entry's payload). Backup now sets `trigger: 'OnDemand'` and,
 * when the caller gave one, the vault-tier expiry of the point; the scheduler sets `Scheduled`.
 * Read leniently: a payload written by another version keeps working.
 */
export interface BackupJobPayload {
  readonly trigger?: 'OnDemand' | 'Scheduled';
  /** ISO UTC: when the point's vault-tier copy may go (on-demand backups' recoveryPointExpiryTimeInUTC). */
  readonly recoveryPointExpiryTime?: string;
}

export function readBackupPayload(payload: unknown): BackupJobPayload {
  if (typeof payload !== 'object' || payload === null) return {};
  const { trigger, recoveryPointExpiryTime } = payload as Record<string, unknown>;
  const expiry = typeof recoveryPointExpiryTime === 'string' && !Number.isNaN(Date.parse(recoveryPointExpiryTime)) ? recoveryPointExpiryTime : undefined;
  return {
    ...(trigger === 'OnDemand' || trigger === 'Scheduled' ? { trigger } : {}),
    ...(expiry === undefined ? {} : { recoveryPointExpiryTime: new Date(expiry).toISOString() }),
  };
}
