import { ArcaError, invalidArgument, type CatalogCode, type ErrorParams } from './errors/index.ts';
import { isJobActive, isRestoreOperation, type JobOperation, type JobStatus } from './states/index.ts';

/**
 * The limits and rules of DESIGN.md section 5, as named constants and the pure checks that enforce
 * them. A check throws the catalog error; where a caller (the doctor) wants every problem at once,
 * a `…Findings` function returns them instead, each with its code and message parameters.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const GIB = 1024 ** 3;
export const TIB = 1024 ** 4;

/** Instant restore tier: points kept per VM across all its restore point collections. */
export const MAX_INSTANT_RESTORE_POINTS_PER_VM = 18;
/** The policy's `instantRpRetentionRangeInDays`, inclusive. */
/** Instant-restore retention lives with the policy rules that use it; it is re-exported here with the other limits. */
export { INSTANT_RP_RETENTION_DAYS as INSTANT_RETENTION_DAYS, validateInstantRetention as checkInstantRetentionDays } from './policy/instant-retention.ts';

/** "Larger than" is refused, so a disk of exactly the limit is backed up. */
export const MAX_DISK_SIZE_BYTES = 32 * TIB;
export const MAX_ENCRYPTED_DISK_SIZE_BYTES = 4 * TIB;
export const MAX_DISKS_PER_VM = 32;

export const MAX_SCHEDULED_BACKUPS_PER_DAY_STANDARD = 1;
export const MAX_ON_DEMAND_BACKUPS_PER_DAY = 3;
/** The hourly ("V2") policy runs every one of these many hours inside its window. */
export const HOURLY_INTERVALS = [4, 6, 8, 12] as const;
export type HourlyInterval = (typeof HOURLY_INTERVALS)[number];

/** Backups of one group due together start in waves of at most this many. */
export const MAX_CONCURRENT_BACKUP_STARTS_PER_GROUP = 4;
/** Above this CPU or memory use the snapshot task is delayed and may time out. */
export const HIGH_LOAD_PERCENT = 90;
export const EXCESSIVE_BACKUP_MS = 12 * HOUR_MS;
export const EXCESSIVE_RESTORE_MS = 6 * HOUR_MS;
export const SOFT_DELETE_RETENTION_DAYS = 14;
/** Restore targets: standard storage with locally or geo-redundant replication. */
export const SUPPORTED_RESTORE_STORAGE_SKUS = ['Standard_LRS', 'Standard_GRS'] as const;

/** A broken rule, as data: the catalog code and the parameters its message needs. */
export interface LimitFinding {
  readonly code: CatalogCode;
  readonly params: ErrorParams;
}

export function findingError(finding: LimitFinding): ArcaError {
  return new ArcaError(finding.code, finding.params);
}

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Binary sizes for messages: "40 TiB", "4.5 GiB", "512 bytes" (at most two decimals). */
export function formatBytes(bytes: number): string {
  let unit = 0;
  let value = bytes;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number(value.toFixed(2))} ${UNITS[unit]}`;
}

export interface DiskInfo {
  readonly name: string;
  readonly sizeBytes: number;
  readonly encrypted: boolean;
}

export interface VmDisks {
  readonly name: string;
  readonly disks: readonly DiskInfo[];
}

/** Every disk rule the machine breaks: too many disks first, then each disk that is too large. */
export function diskLimitFindings(vm: VmDisks): LimitFinding[] {
  const findings: LimitFinding[] = [];
  if (vm.disks.length > MAX_DISKS_PER_VM) {
    findings.push({
      code: 'UserErrorTooManyDisks',
      params: { vmName: vm.name, diskCount: vm.disks.length, limit: MAX_DISKS_PER_VM },
    });
  }
  for (const disk of vm.disks) {
    const limit = disk.encrypted ? MAX_ENCRYPTED_DISK_SIZE_BYTES : MAX_DISK_SIZE_BYTES;
    if (disk.sizeBytes <= limit) continue;
    // A size just over the limit rounds to the limit's own text; then the exact count tells them apart.
    const shown = formatBytes(disk.sizeBytes);
    const size = shown === formatBytes(limit) ? `${shown} (${disk.sizeBytes} bytes)` : shown;
    findings.push({
      code: 'UserErrorUnsupportedDiskSize',
      params: { vmName: vm.name, diskName: disk.name, size, limit: formatBytes(limit) },
    });
  }
  return findings;
}

/** Throws the first disk rule the machine breaks. */
export function checkDiskSizes(vm: VmDisks): void {
  const [first] = diskLimitFindings(vm);
  if (first) throw findingError(first);
}

export function isHourlyInterval(hours: number): hours is HourlyInterval {
  return (HOURLY_INTERVALS as readonly number[]).includes(hours);
}

/**
 * A new backup needs a free slot in the instant tier: `count` points already kept for the VM (across
 * its collections) must be below the limit. `resourceGroup` is the collections' group, whose lock is
 * the usual reason old points were not cleaned up.
 */
export function checkRestorePointCapacity(count: number, vm: { readonly vmName: string; readonly resourceGroup: string }): void {
  if (count < MAX_INSTANT_RESTORE_POINTS_PER_VM) return;
  throw new ArcaError('UserErrorRpCollectionLimitReached', {
    vmName: vm.vmName,
    count,
    limit: MAX_INSTANT_RESTORE_POINTS_PER_VM,
    resourceGroup: vm.resourceGroup,
  });
}

/** `countToday`: on-demand backups of the item already started today (the caller draws the day). */
export function checkOnDemandQuota(countToday: number, itemName: string): void {
  if (countToday < MAX_ON_DEMAND_BACKUPS_PER_DAY) return;
  throw new ArcaError('UserErrorOnDemandBackupLimitReached', { itemName, limit: MAX_ON_DEMAND_BACKUPS_PER_DAY });
}

/**
 * Operations that take a new snapshot or change what is protected. A restore only reads existing
 * points, so it runs beside a backup; everything else on the item waits for the one in progress.
 */
const BACKUP_OPERATIONS: readonly JobOperation[] = ['Backup', 'ConfigureBackup', 'DisableBackup', 'DeleteBackupData', 'Undelete'];

export interface ItemJob {
  readonly jobId: string;
  readonly operation: JobOperation;
  readonly status: JobStatus;
}

/** One backup operation per item at a time: throws naming the job that holds the item. */
export function checkNoBackupInProgress(itemName: string, jobs: readonly ItemJob[]): void {
  const running = jobs.find((job) => isJobActive(job.status) && BACKUP_OPERATIONS.includes(job.operation));
  if (running) throw new ArcaError('UserErrorBackupOperationInProgress', { itemName, jobId: running.jobId });
}

/** True above 90 % CPU or memory (at exactly 90 % the machine is not yet under high load). */
export function isUnderHighLoad(cpuPercent: number, memoryPercent: number): boolean {
  return cpuPercent > HIGH_LOAD_PERCENT || memoryPercent > HIGH_LOAD_PERCENT;
}

/** The duration beyond which a job of this operation is flagged, or undefined when none applies. */
export function excessiveDurationLimit(operation: JobOperation): number | undefined {
  if (operation === 'Backup') return EXCESSIVE_BACKUP_MS;
  return isRestoreOperation(operation) ? EXCESSIVE_RESTORE_MS : undefined;
}

export function isExcessiveDuration(operation: JobOperation, elapsedMs: number): boolean {
  const limit = excessiveDurationLimit(operation);
  return limit !== undefined && elapsedMs > limit;
}

function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The warning a job carries once it has run too long; undefined while it has not. */
export function excessiveDurationWarning(
  job: { readonly jobId: string; readonly operation: JobOperation },
  elapsedMs: number,
): LimitFinding | undefined {
  if (!isExcessiveDuration(job.operation, elapsedMs)) return undefined;
  const code = job.operation === 'Backup' ? 'BackupTakingTooLong' : 'RestoreTakingTooLong';
  return { code, params: { jobId: job.jobId, duration: formatDuration(elapsedMs) } };
}

export interface StaggeredStart<T> {
  readonly item: T;
  readonly wave: number;
  readonly startAt: Date;
}

export interface StaggerOptions {
  /** When the backups are all due. */
  readonly at: Date;
  /** Time between one wave and the next. */
  readonly waveGapMs: number;
  readonly perWave?: number;
}

/**
 * Spreads backups of one group that are due at the same instant into waves of at most four, in the
 * order given: wave n starts `n × waveGapMs` after `at`.
 */
export function staggerStarts<T>(items: readonly T[], options: StaggerOptions): StaggeredStart<T>[] {
  const { at, waveGapMs, perWave = MAX_CONCURRENT_BACKUP_STARTS_PER_GROUP } = options;
  if (!Number.isFinite(waveGapMs) || waveGapMs < 0) {
    throw invalidArgument('waveGapMs', `it must be a duration of zero or more, not ${waveGapMs}`);
  }
  if (!Number.isInteger(perWave) || perWave < 1) {
    throw invalidArgument('perWave', `it must be a whole number from 1, not ${perWave}`);
  }
  return items.map((item, index) => {
    const wave = Math.floor(index / perWave);
    return { item, wave, startAt: new Date(at.getTime() + wave * waveGapMs) };
  });
}

/** When soft-deleted data is purged: 14 whole days after its deletion. */
export function softDeletePurgeAt(deletedAt: Date): Date {
  return new Date(deletedAt.getTime() + SOFT_DELETE_RETENTION_DAYS * DAY_MS);
}

/** Storage SKUs are compared without regard to case, as Azure does. */
export function isSupportedRestoreStorageSku(sku: string): boolean {
  return SUPPORTED_RESTORE_STORAGE_SKUS.some((supported) => supported.toLowerCase() === sku.toLowerCase());
}
