import { ArcaError } from '../../core/errors/index.ts';
import { finishOperation } from '../arm/index.ts';
import type { LeasedJob, MetadataOperations, MetadataStore, StoredRecord } from '../persistence/index.ts';
import { finishJob, type FinalStatus } from './job-changes.ts';
import { JOBS, type JobDocument, type StoredError } from './job-record.ts';
import { LeaseLostError } from './job-signals.ts';
import { jobIndex, jobKey } from './job-store.ts';

/**
 * The engine's writes that touch the record and the queue together, each in one transaction, so a
 * job is never finished in one and still queued in the other (or the reverse).
 */

export type Claim =
  | { readonly kind: 'none' }
  | { readonly kind: 'orphan'; readonly leased: LeasedJob }
  | { readonly kind: 'claimed'; readonly leased: LeasedJob; readonly record: StoredRecord<JobDocument> };

/** Thrown inside the lease transaction to undo a lease of a job the caller does not take (no attempt is counted). */
class NotTaken extends Error {}

/**
 * Leases the next ready job and writes this worker's attempt into its record, which fences out the
 * previous holder. With `accept`, a job whose kind it refuses is left in the queue untouched.
 */
export async function leaseAndClaim(store: MetadataStore, workerId: string, leaseMs: number, now: Date, accept?: (kind: string) => boolean): Promise<Claim> {
  try {
    return await claimNext(store, workerId, leaseMs, now, accept);
  } catch (error) {
    if (error instanceof NotTaken) return { kind: 'none' };
    throw error;
  }
}

function claimNext(store: MetadataStore, workerId: string, leaseMs: number, now: Date, accept?: (kind: string) => boolean): Promise<Claim> {
  return store.transaction(async (operations) => {
    const leased = await operations.lease(workerId, leaseMs, now);
    if (leased === undefined) return { kind: 'none' };
    if (accept !== undefined && !accept(leased.kind)) throw new NotTaken();
    const current = await operations.get<JobDocument>(JOBS, jobKey(leased.id));
    if (current === undefined || !['InProgress', 'Cancelling'].includes(current.data.properties.status)) {
      // A queue entry without a live record has nothing left to do.
      await operations.complete(leased.id, workerId, now);
      return { kind: 'orphan', leased };
    }
    const data: JobDocument = { ...current.data, arca: { ...current.data.arca, attempts: leased.attempts, worker: workerId } };
    const record = await operations.put<JobDocument>(JOBS, { id: current.id, data, index: jobIndex(data) }, { expectedVersion: current.version });
    return { kind: 'claimed', leased, record };
  });
}

async function ownedRecord(operations: MetadataOperations, leased: LeasedJob): Promise<StoredRecord<JobDocument>> {
  const current = await operations.get<JobDocument>(JOBS, jobKey(leased.id));
  if (current === undefined) throw new LeaseLostError(leased.id, 'the job record is gone');
  if (current.data.arca.worker !== leased.workerId || current.data.arca.attempts !== leased.attempts) {
    throw new LeaseLostError(current.data.name, `attempt ${current.data.arca.attempts} holds it now`);
  }
  return current;
}

export interface Ending {
  readonly status: FinalStatus;
  readonly error?: StoredError;
  readonly warnings?: readonly StoredError[];
}

/** Finishes the job, settles a pending cancel operation and removes the queue entry. */
export function settleJob(store: MetadataStore, leased: LeasedJob, ending: Ending, now: Date): Promise<StoredRecord<JobDocument>> {
  return store.transaction(async (operations) => {
    const current = await ownedRecord(operations, leased);
    const finished = finishJob(current.data, ending, now);
    const stored = await operations.put<JobDocument>(JOBS, { id: current.id, data: finished, index: jobIndex(finished) }, { expectedVersion: current.version });
    const cancel = finished.arca.cancel;
    if (cancel !== undefined) {
      const cancelled = finished.properties.status === 'Cancelled';
      await finishOperation(operations, cancel.operationId, cancelled ? { status: 'Succeeded', now } : { status: 'Failed', now, error: new ArcaError('JobCancelFailed', { jobId: finished.name }) });
    }
    await operations.complete(leased.id, leased.workerId, now);
    return stored;
  });
}

/** Counts a failure that retrying can help with and queues the job again at `readyAt`. */
export function retryLater(store: MetadataStore, leased: LeasedJob, error: StoredError, readyAt: Date, now: Date): Promise<StoredRecord<JobDocument>> {
  return store.transaction(async (operations) => {
    const current = await ownedRecord(operations, leased);
    const { worker: _worker, ...internals } = current.data.arca;
    const data: JobDocument = {
      ...current.data,
      properties: {
        ...current.data.properties,
        extendedInfo: { ...current.data.properties.extendedInfo, propertyBag: { ...current.data.properties.extendedInfo.propertyBag, 'Last retried error': error.code } },
      },
      arca: { ...internals, failures: internals.failures + 1 },
    };
    const stored = await operations.put<JobDocument>(JOBS, { id: current.id, data, index: jobIndex(data) }, { expectedVersion: current.version });
    await operations.release(leased.id, leased.workerId, readyAt, now);
    return stored;
  });
}
