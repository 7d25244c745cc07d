import { randomUUID } from 'node:crypto';
import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { formatResourceId, parseResourceId } from '../../core/ids/index.ts';
import { checkLocks, createOperation, OPERATIONS, resourceKey, withRetryOnConflict, type OperationRecord } from '../arm/index.ts';
import { createJobIn, getJob, type JobContext, type JobHandler, type StoredError } from '../jobs/index.ts';
import type { MetadataOperations, MetadataStore, StoredRecord } from '../persistence/index.ts';
import { pageCollectionPoints, RESTORE_POINT_COLLECTIONS, type CollectionDeletion, type RestorePointCollectionRecord } from './instant-tier-store.ts';
import { removeInstantPoints } from './instant-point-removal.ts';

/**
 * Deleting a restore point collection (job kind `DeleteRestorePointCollection`, outside any vault):
 * its points leave in batches, each batch in one transaction with the collection's record of the
 * progress, so a crash or a lost lease resumes from what is left, never deleting twice or skipping.
 * The collection record goes with its last point. A lock placed meanwhile stops the job with
 * ScopeLocked; the collection keeps the points not yet deleted and is usable again.
 */
export const DELETE_COLLECTION_KIND = 'DeleteRestorePointCollection';
/** Property on the job: how many points have left so far. */
export const POINTS_REMOVED_PROPERTY = 'Restore points deleted';

const DEFAULT_BATCH = 5;

export interface CollectionDeletionDeps {
  readonly store: MetadataStore;
  /** Points deleted per step (default 5). */
  readonly batchSize?: number;
}

export function getCollection(store: MetadataOperations, collectionId: string): Promise<StoredRecord<RestorePointCollectionRecord> | undefined> {
  return store.get<RestorePointCollectionRecord>(RESTORE_POINT_COLLECTIONS, resourceKey(collectionId));
}

function saveCollection(store: MetadataOperations, record: StoredRecord<RestorePointCollectionRecord>, data: RestorePointCollectionRecord): Promise<StoredRecord<RestorePointCollectionRecord>> {
  return store.put<RestorePointCollectionRecord>(RESTORE_POINT_COLLECTIONS, { id: record.id, data, index: record.index }, { expectedVersion: record.version });
}

/** True while the deletion's job may still run (queued, running or waiting for a retry). */
export async function deletionRuns(store: MetadataOperations, deletion: CollectionDeletion | undefined): Promise<boolean> {
  if (deletion === undefined) return false;
  const job = await getJob(store, deletion.jobId);
  return job !== undefined && ['InProgress', 'Cancelling'].includes(job.data.properties.status);
}

/**
 * Starts deleting a collection, inside the caller's transaction: refused with ScopeLocked when a
 * lock forbids it; the deletion already running is answered again (same operation). The job is
 * created with the collection's mark and the operation the DELETE answers with.
 */
export async function startCollectionDeletion(operations: MetadataOperations, record: StoredRecord<RestorePointCollectionRecord>, now: Date): Promise<OperationRecord> {
  const collection = record.data;
  const running = collection.arca?.deletion;
  if (running !== undefined && (await deletionRuns(operations, running))) {
    const op = await operations.get<OperationRecord>(OPERATIONS, running.operationId);
    if (op) return op.data;
  }
  await checkLocks(operations, parseResourceId(collection.id), 'delete', `deleting the restore point collection ${collection.name}`);
  const jobId = formatResourceId(parseResourceId(`${collection.id}/deletionJobs/${randomUUID()}`));
  await createJobIn(operations, {
    vaultId: '',
    ownJobId: jobId,
    itemId: collection.id,
    vmId: collection.properties.source.id,
    operation: 'DeleteBackupData',
    kind: DELETE_COLLECTION_KIND,
    friendlyName: collection.name,
    isUserTriggered: true,
    now,
    payload: { collectionId: collection.id },
  });
  const op = await createOperation(operations, { kind: DELETE_COLLECTION_KIND, resourceId: collection.id, jobId, now });
  const deletion: CollectionDeletion = { jobId, operationId: op.id, startedAt: now.toISOString(), removedPoints: 0, batches: 0 };
  await saveCollection(operations, record, { ...collection, arca: { ...collection.arca, deletion } });
  return op;
}

function readPayload(payload: unknown): { collectionId: string } {
  const collectionId = (payload as { collectionId?: unknown } | null)?.collectionId;
  if (typeof collectionId !== 'string') throw new ArcaError('ArcaInternalError', { operation: 'reading a DeleteRestorePointCollection job', reference: 'payload' });
  return { collectionId };
}

type Step = { readonly done: true } | { readonly done: false; readonly removed: number };

/** One batch, atomically: the points, their recovery points, the goal states and the collection's progress; or, once empty, the collection. */
function deleteBatch(store: MetadataStore, collectionId: string, jobId: string, batchSize: number, now: Date): Promise<Step> {
  return withRetryOnConflict(() =>
    store.transaction(async (operations): Promise<Step> => {
      const record = await getCollection(operations, collectionId);
      if (record === undefined) return { done: true };
      const name = record.data.name;
      const { records: points } = await pageCollectionPoints(operations, collectionId, { limit: batchSize });
      if (points.length === 0) {
        await checkLocks(operations, parseResourceId(record.data.id), 'delete', `deleting the restore point collection ${name}`);
        await operations.delete(RESTORE_POINT_COLLECTIONS, record.id, { expectedVersion: record.version });
        return { done: true };
      }
      const removal = await removeInstantPoints(operations, points, { now, operation: (point) => `deleting the restore point ${point.name} of the collection ${name}` });
      // Thrown, the whole batch is undone: the collection keeps every point the lock found in it.
      if (removal.locked) throw removal.locked;
      const before = record.data.arca?.deletion ?? { jobId, operationId: '', startedAt: now.toISOString(), removedPoints: 0, batches: 0 };
      const deletion: CollectionDeletion = { ...before, removedPoints: before.removedPoints + removal.removed.length, batches: before.batches + 1 };
      await saveCollection(operations, record, { ...record.data, arca: { ...record.data.arca, deletion } });
      return { done: false, removed: deletion.removedPoints };
    }),
  );
}

/** After a refusal: the collection is no longer being deleted (its points not deleted yet stay valid). */
async function abandonDeletion(store: MetadataStore, collectionId: string): Promise<void> {
  await withRetryOnConflict(async () => {
    const record = await getCollection(store, collectionId);
    if (record?.data.arca?.deletion === undefined) return;
    const { deletion: _dropped, ...arca } = record.data.arca;
    await saveCollection(store, record, { ...record.data, arca });
  });
}

async function run(deps: CollectionDeletionDeps, context: JobContext, collectionId: string): Promise<void> {
  for (;;) {
    const step = await deleteBatch(deps.store, collectionId, context.jobId, deps.batchSize ?? DEFAULT_BATCH, context.now());
    if (step.done) return;
    // A safe point after every batch: a cancel, a stop or a lost lease ends the run here, and the next lease resumes.
    await context.setProperty(POINTS_REMOVED_PROPERTY, String(step.removed));
  }
}

/**
 * The DeleteRestorePointCollection job. Failures the catalog marks retryable are thrown to the
 * engine, which retries with its backoff; a lock's refusal ends the job Failed with ScopeLocked.
 */
export function collectionDeletionHandler(deps: CollectionDeletionDeps): JobHandler {
  return async (context) => {
    const { collectionId } = readPayload(context.payload);
    try {
      await run(deps, context, collectionId);
      return { status: 'Completed' };
    } catch (error) {
      if (!(isArcaError(error) && error.code === 'ScopeLocked')) throw error;
      await abandonDeletion(deps.store, collectionId);
      const refusal: StoredError = { code: error.code, params: error.params };
      return { status: 'Failed', error: refusal };
    }
  };
}
