import { randomUUID } from 'node:crypto';
import { checkNoBackupInProgress, type ItemJob } from '../../core/limits.ts';
import { backupJobId, formatResourceId, parseResourceId, scopeOf, vaultOf } from '../../core/ids/index.ts';
import { toInstant, toZoned } from '../../core/policy/index.ts';
import { isRestoreOperation, tasksFor, type JobOperation, type JobStatus } from '../../core/states/index.ts';
import type { IndexValues, MetadataOperations, MetadataStore, StoredRecord } from '../persistence/index.ts';
import { JOB_RESOURCE_TYPE, JOBS, type JobDocument } from './job-record.ts';

export interface NewJobInput {
  /** ARM id of the vault the job belongs to; '' for a job outside any vault (then `ownJobId` names it). */
  readonly vaultId: string;
  /**
   * ARM id of the protected item the job acts on, or of the resource a job outside any vault acts
   * on (a restore point collection): one job holding it runs at a time.
   */
  readonly itemId: string;
  readonly vmId: string;
  readonly operation: JobOperation;
  /** What the job list shows as the entity, usually the VM's name. */
  readonly friendlyName: string;
  readonly isUserTriggered: boolean;
  readonly now: Date;
  /** Handed to the handler as is. */
  readonly payload: unknown;
  /** The handler to run; the operation's name when absent. */
  readonly kind?: string;
  /** The job's name, a UUID; a fresh one when absent. */
  readonly jobName?: string;
  /** The protection container's name, shown as `containerName`. */
  readonly containerName?: string;
  /** When the engine may start it (default `now`): the scheduler staggers starts, `READY_FIRST` puts a job ahead of all. */
  readonly readyAt?: Date;
  /**
   * The id of a job outside any vault, under the resource it acts on (deleting a restore point
   * collection): no vault's job list shows it; its operation is how it is followed.
   */
  readonly ownJobId?: string;
}

/**
 * The readyAt of jobs that must not wait behind others (the protection changes, which finish at once
 * but hold the item meanwhile): the queue hands out the earliest readyAt first.
 */
export const READY_FIRST = new Date(0);

/** Records are keyed by the lower-cased ARM id; a job's queue entry has the same id. */
export function jobKey(jobId: string): string {
  return jobId.toLowerCase();
}

export function jobIndex(job: JobDocument): IndexValues {
  const id = parseResourceId(job.id);
  const scope = scopeOf(id);
  return {
    subscription: scope.subscriptionId.toLowerCase(),
    resourceGroup: scope.resourceGroup.toLowerCase(),
    vault: job.arca.vaultId.toLowerCase(),
    item: job.arca.itemId.toLowerCase(),
    status: job.properties.status,
    operation: job.properties.operation,
    startTime: job.properties.startTime,
  };
}

function newJobDocument(input: NewJobInput): JobDocument {
  const vault = input.ownJobId === undefined ? vaultOf(parseResourceId(input.vaultId)) : undefined;
  const name = input.ownJobId === undefined ? (input.jobName ?? randomUUID()) : formatResourceId(parseResourceId(input.ownJobId)).split('/').at(-1) ?? '';
  return {
    id: vault === undefined ? formatResourceId(parseResourceId(input.ownJobId ?? '')) : formatResourceId(backupJobId(vault, name)),
    name,
    type: JOB_RESOURCE_TYPE,
    properties: {
      jobType: 'AzureIaaSVMJob',
      entityFriendlyName: input.friendlyName,
      backupManagementType: 'AzureIaasVM',
      operation: input.operation,
      status: 'InProgress',
      startTime: input.now.toISOString(),
      activityId: randomUUID(),
      virtualMachineVersion: 'Compute',
      ...(input.containerName ? { containerName: input.containerName } : {}),
      isUserTriggered: input.isUserTriggered,
      extendedInfo: { tasksList: tasksFor(input.operation).map((taskId) => ({ taskId, status: 'NotStarted' as const })), propertyBag: {} },
    },
    arca: {
      vaultId: vault === undefined ? '' : formatResourceId(vault),
      itemId: input.itemId,
      vmId: input.vmId,
      kind: input.kind ?? input.operation,
      attempts: 0,
      failures: 0,
      warnings: [],
    },
  };
}

/** Writes a job record and the queue entry that runs it, in one transaction. */
export async function saveNewJob(operations: MetadataOperations, job: JobDocument, payload: unknown, readyAt: Date): Promise<StoredRecord<JobDocument>> {
  const key = jobKey(job.id);
  const stored = await operations.put<JobDocument>(JOBS, { id: key, data: job, index: jobIndex(job) }, { expectedVersion: 0 });
  await operations.enqueue({ id: key, kind: job.arca.kind, payload, readyAt });
  return stored;
}

/**
 * Creates a job and queues it atomically. Anything but a restore holds the item: while a backup
 * operation of the item is InProgress or Cancelling, this throws UserErrorBackupOperationInProgress
 * (checked inside the transaction, so two callers cannot both pass).
 */
export async function createJob(store: MetadataStore, input: NewJobInput): Promise<StoredRecord<JobDocument>> {
  return store.transaction((operations) => createJobIn(operations, input));
}

/**
 * `createJob` inside the caller's transaction, so that the job is created together with the caller's
 * own writes (a protection change, the scheduler's plan) or not at all. The refusal is thrown before
 * anything is written.
 */
export async function createJobIn(operations: MetadataOperations, input: NewJobInput): Promise<StoredRecord<JobDocument>> {
  const job = newJobDocument(input);
  if (!isRestoreOperation(input.operation)) checkNoBackupInProgress(input.friendlyName, await activeItemJobs(operations, input.itemId));
  return saveNewJob(operations, job, input.payload, input.readyAt ?? input.now);
}

/** The job by its ARM id (any case), or undefined. */
export function getJob(store: MetadataOperations, jobId: string): Promise<StoredRecord<JobDocument> | undefined> {
  return store.get<JobDocument>(JOBS, jobKey(jobId));
}

const ACTIVE: readonly JobStatus[] = ['InProgress', 'Cancelling'];

async function activeItemJobs(store: MetadataOperations, itemId: string): Promise<ItemJob[]> {
  const jobs: ItemJob[] = [];
  for (const status of ACTIVE) {
    const page = await store.list<JobDocument>(JOBS, {
      where: [
        { field: 'item', op: 'eq', value: itemId.toLowerCase() },
        { field: 'status', op: 'eq', value: status },
      ],
      limit: 1000,
    });
    for (const { data } of page.records) jobs.push({ jobId: data.name, operation: data.properties.operation, status: data.properties.status });
  }
  return jobs;
}

/** The item's job that is InProgress or Cancelling and holds the item for backups, if any. */
export async function activeJobForItem(store: MetadataOperations, itemId: string): Promise<JobDocument | undefined> {
  for (const status of ACTIVE) {
    const page = await store.list<JobDocument>(JOBS, {
      where: [
        { field: 'item', op: 'eq', value: itemId.toLowerCase() },
        { field: 'status', op: 'eq', value: status },
      ],
      orderBy: { field: 'startTime', direction: 'desc' },
      limit: 1000,
    });
    const holder = page.records.find((record) => !isRestoreOperation(record.data.properties.operation));
    if (holder) return holder.data;
  }
  return undefined;
}

/** Midnight to midnight of `now`'s day in `timeZone`, as UTC ISO times. */
export function dayBounds(now: Date, timeZone: string): { start: string; end: string } {
  const today = toZoned(now, timeZone);
  const tomorrow = new Date(Date.UTC(today.year, today.month - 1, today.day + 1));
  const midnight = { hour: 0, minute: 0, second: 0 };
  const start = toInstant({ year: today.year, month: today.month, day: today.day, ...midnight }, timeZone);
  const end = toInstant({ year: tomorrow.getUTCFullYear(), month: tomorrow.getUTCMonth() + 1, day: tomorrow.getUTCDate(), ...midnight }, timeZone);
  return { start: start.toISOString(), end: end.toISOString() };
}

/**
 * On-demand backups of the item started on `now`'s day in `timeZone` (the policy's zone), whatever
 * became of them, for core/limits `checkOnDemandQuota`.
 */
export async function countOnDemandBackupsToday(store: MetadataOperations, itemId: string, now: Date, timeZone: string): Promise<number> {
  const { start, end } = dayBounds(now, timeZone);
  let count = 0;
  let continuation: string | undefined;
  do {
    const page = await store.list<JobDocument>(JOBS, {
      where: [
        { field: 'item', op: 'eq', value: itemId.toLowerCase() },
        { field: 'operation', op: 'eq', value: 'Backup' },
        { field: 'startTime', op: 'ge', value: start },
        { field: 'startTime', op: 'lt', value: end },
      ],
      limit: 1000,
      ...(continuation ? { continuation } : {}),
    });
    count += page.records.filter((record) => record.data.properties.isUserTriggered).length;
    continuation = page.continuation;
  } while (continuation !== undefined);
  return count;
}
