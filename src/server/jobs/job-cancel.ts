import { randomUUID } from 'node:crypto';
import { ArcaError } from '../../core/errors/index.ts';
import { createOperation, withRetryOnConflict } from '../arm/index.ts';
import { isConflictError, type MetadataStore } from '../persistence/index.ts';
import { requestCancel } from './job-changes.ts';
import { JOBS, type JobDocument } from './job-record.ts';
import { jobIndex, jobKey } from './job-store.ts';

/**
 * Asks a job to stop: sets it Cancelling and opens the cancel operation in one transaction. The
 * job's handler sees it at its next safe point and the job ends Cancelled, which settles the
 * operation. Throws the catalog's refusals (see `requestCancel`), ResourceNotFound for an unknown
 * job, and JobCancelFailed when the record kept changing under the request.
 */
export async function cancelJob(store: MetadataStore, jobId: string, now: Date, operationId: string = randomUUID()): Promise<{ operationId: string; job: JobDocument }> {
  try {
    return await withRetryOnConflict(() =>
      store.transaction(async (operations) => {
        const current = await operations.get<JobDocument>(JOBS, jobKey(jobId));
        if (current === undefined) throw new ArcaError('ResourceNotFound', { resourceId: jobId });
        const next = requestCancel(current.data, now, operationId);
        await operations.put<JobDocument>(JOBS, { id: current.id, data: next, index: jobIndex(next) }, { expectedVersion: current.version });
        await createOperation(operations, { kind: 'CancelJob', resourceId: next.id, jobId: next.id, now, id: operationId });
        return { operationId, job: next };
      }),
    );
  } catch (error) {
    if (isConflictError(error)) throw new ArcaError('JobCancelFailed', { jobId: jobId.split('/').pop() ?? jobId }, { cause: error });
    throw error;
  }
}
