import type { ErrorParams } from '../../core/errors/index.ts';
import type { JobOperation, JobStatus, TaskStatus } from '../../core/states/index.ts';

/**
 * A job as the `jobs` collection keeps it: the ARM resource that GET returns, minus what is drawn at
 * read time (duration of a running job, actions, localized error details), plus `arca`, the engine's
 * own facts, which are never shown. Keyed by the lower-cased ARM id.
 */
export const JOBS = 'jobs';
export const JOB_RESOURCE_TYPE = 'Microsoft.RecoveryServices/vaults/backupJobs';
/** Key in `propertyBag` set on a job that ran longer than its operation should. */
export const EXCESSIVE_DURATION_PROPERTY = 'Excessive duration';

export interface StoredError {
  readonly code: string;
  readonly params: ErrorParams;
}

export interface TaskRecord {
  readonly taskId: string;
  readonly status: TaskStatus;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly progressPercentage?: number;
}

export interface JobProperties {
  readonly jobType: 'AzureIaaSVMJob';
  readonly entityFriendlyName: string;
  readonly backupManagementType: 'AzureIaasVM';
  readonly operation: JobOperation;
  readonly status: JobStatus;
  readonly startTime: string;
  readonly endTime?: string;
  readonly activityId: string;
  readonly virtualMachineVersion: 'Compute';
  readonly containerName?: string;
  readonly isUserTriggered: boolean;
  /** Arca's own: set once the job has run longer than its operation should (12 h backup, 6 h restore). */
  readonly excessiveDuration?: boolean;
  readonly extendedInfo: {
    readonly tasksList: readonly TaskRecord[];
    readonly propertyBag: Readonly<Record<string, string>>;
    readonly progressPercentage?: number;
    readonly dynamicErrorMessage?: string;
    /** ISO-8601 duration, as the handler estimates it. */
    readonly estimatedRemainingDuration?: string;
  };
}

/** The engine's facts about a job. */
export interface JobInternals {
  readonly vaultId: string;
  readonly itemId: string;
  readonly vmId: string;
  /** The handler the engine dispatches to. */
  readonly kind: string;
  /** Leases so far, as the queue counts them; with `worker` it fences out a replica that lost its lease. */
  readonly attempts: number;
  readonly worker?: string;
  /** Failures that were retried. */
  readonly failures: number;
  readonly error?: StoredError;
  readonly warnings: readonly StoredError[];
  readonly cancel?: { readonly requestedAt: string; readonly operationId: string };
}

export interface JobDocument {
  readonly id: string;
  readonly name: string;
  readonly type: typeof JOB_RESOURCE_TYPE;
  readonly properties: JobProperties;
  readonly arca: JobInternals;
}
