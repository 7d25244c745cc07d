import { ArcaError, type CatalogCode } from '../../core/errors/index.ts';
import { finishOperation, withRetryOnConflict, type OperationRecord } from '../arm/index.ts';
import { getJob } from '../jobs/index.ts';
import type { MetadataOperations } from '../persistence/index.ts';

/** Operations whose outcome is their job's: they end when the job ends, with its error (a restore's and a collection deletion's too). */
const FOLLOWING_JOB = new Set(['Backup', 'Restore', 'DeleteRestorePointCollection']);

/**
 * The operation as it stands: a backup's operation is still running while its job runs, and ends
 * with the job (Completed or CompletedWithWarnings: Succeeded; Failed, with the job's error;
 * Cancelled: Canceled). Settled on read, so it can never disagree with the job it follows.
 */
export async function followJob(store: MetadataOperations, op: OperationRecord, now: Date): Promise<OperationRecord> {
  if (op.status !== 'InProgress' || op.jobId === undefined || !FOLLOWING_JOB.has(op.kind)) return op;
  const job = await getJob(store, op.jobId);
  if (!job) return op;
  const { status } = job.data.properties;
  if (status === 'InProgress' || status === 'Cancelling') return op;
  const end = job.data.properties.endTime ? new Date(job.data.properties.endTime) : now;
  const error = job.data.arca.error;
  const outcome =
    status === 'Failed'
      ? { status: 'Failed' as const, now: end, error: new ArcaError((error?.code ?? 'BackUpOperationFailed') as CatalogCode, error?.params ?? {}) }
      : status === 'Cancelled'
        ? { status: 'Canceled' as const, now: end }
        : { status: 'Succeeded' as const, now: end };
  // Two readers may settle it at once: the second finds it settled and returns it as it is.
  return (await withRetryOnConflict(() => finishOperation(store, op.id, outcome))) ?? op;
}
