import { DatabaseSync } from 'node:sqlite';
import { ArcaError, invalidArgument } from '../../core/errors/index.ts';
import type { LeasedJob, ListQuery, MetadataOperations, MetadataStore, NewJob, NewRecord, Page, StoredRecord, WriteOptions } from './metadata-store.ts';
import { SerialQueue } from './sqlite-atomic.ts';
import { completeJob, enqueueJob, leaseJob, releaseJob, renewJob } from './sqlite-jobs.ts';
import { migrate, MIGRATIONS, type Migration } from './sqlite-migrations.ts';
import { deleteRecord, getRecord, listRecords, putRecord } from './sqlite-records.ts';

export interface SqliteOptions {
  /** How long a write waits for another connection's write lock before failing. */
  readonly busyTimeoutMs?: number;
  /** Tests only: another schema history. */
  readonly migrations?: readonly Migration[];
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/**
 * The operations over one connection, run synchronously; `check` refuses calls once the owner
 * (a finished transaction, a closed store) says so.
 */
class SqliteOperations implements MetadataOperations {
  readonly #db: DatabaseSync;
  readonly #check: () => void;

  constructor(db: DatabaseSync, check: () => void) {
    this.#db = db;
    this.#check = check;
  }

  async get<T = unknown>(collection: string, id: string): Promise<StoredRecord<T> | undefined> {
    this.#check();
    return getRecord<T>(this.#db, collection, id);
  }
  async put<T = unknown>(collection: string, record: NewRecord<T>, options: WriteOptions = {}): Promise<StoredRecord<T>> {
    this.#check();
    return putRecord(this.#db, collection, record, options);
  }
  async delete(collection: string, id: string, options: WriteOptions = {}): Promise<boolean> {
    this.#check();
    return deleteRecord(this.#db, collection, id, options);
  }
  async list<T = unknown>(collection: string, query: ListQuery = {}): Promise<Page<T>> {
    this.#check();
    return listRecords<T>(this.#db, collection, query);
  }
  async enqueue(job: NewJob): Promise<void> {
    this.#check();
    enqueueJob(this.#db, job);
  }
  async lease(workerId: string, leaseMs: number, now: Date): Promise<LeasedJob | undefined> {
    this.#check();
    return leaseJob(this.#db, workerId, leaseMs, now);
  }
  async renew(jobId: string, workerId: string, leaseMs: number, now: Date): Promise<LeasedJob> {
    this.#check();
    return renewJob(this.#db, jobId, workerId, leaseMs, now);
  }
  async complete(jobId: string, workerId: string, now: Date): Promise<void> {
    this.#check();
    completeJob(this.#db, jobId, workerId, now);
  }
  async release(jobId: string, workerId: string, readyAt: Date, now: Date): Promise<void> {
    this.#check();
    releaseJob(this.#db, jobId, workerId, readyAt, now);
  }
}

/**
 * MetadataStore in one SQLite file (or `:memory:`) through node:sqlite: WAL journal so readers never
 * block the writer, a busy timeout so replicas sharing a file queue for the write lock, and the
 * schema migrated at open. One connection per store; its calls run one at a time, in order.
 */
export class SqliteMetadataStore implements MetadataStore {
  readonly location: string;
  readonly schemaVersion: number;
  readonly #db: DatabaseSync;
  readonly #queue = new SerialQueue();
  readonly #direct: SqliteOperations;
  #closed = false;

  private constructor(db: DatabaseSync, location: string, schemaVersion: number) {
    this.#db = db;
    this.location = location;
    this.schemaVersion = schemaVersion;
    this.#direct = new SqliteOperations(db, () => this.#checkOpen());
  }

  /** Opens (creating if needed) and migrates; fails with SchemaTooNewError for a newer schema. */
  static open(path: string, options: SqliteOptions = {}): SqliteMetadataStore {
    if (typeof path !== 'string' || path.length === 0) throw invalidArgument('path', 'must name a file or :memory:');
    const db = new DatabaseSync(path, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    try {
      if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
      const version = migrate(db, path, options.migrations ?? MIGRATIONS);
      return new SqliteMetadataStore(db, path, version);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  get<T = unknown>(collection: string, id: string): Promise<StoredRecord<T> | undefined> {
    return this.#queue.run(() => this.#direct.get<T>(collection, id));
  }
  put<T = unknown>(collection: string, record: NewRecord<T>, options?: WriteOptions): Promise<StoredRecord<T>> {
    return this.#queue.run(() => this.#direct.put<T>(collection, record, options));
  }
  delete(collection: string, id: string, options?: WriteOptions): Promise<boolean> {
    return this.#queue.run(() => this.#direct.delete(collection, id, options));
  }
  list<T = unknown>(collection: string, query?: ListQuery): Promise<Page<T>> {
    return this.#queue.run(() => this.#direct.list<T>(collection, query));
  }
  enqueue(job: NewJob): Promise<void> {
    return this.#queue.run(() => this.#direct.enqueue(job));
  }
  lease(workerId: string, leaseMs: number, now: Date): Promise<LeasedJob | undefined> {
    return this.#queue.run(() => this.#direct.lease(workerId, leaseMs, now));
  }
  renew(jobId: string, workerId: string, leaseMs: number, now: Date): Promise<LeasedJob> {
    return this.#queue.run(() => this.#direct.renew(jobId, workerId, leaseMs, now));
  }
  complete(jobId: string, workerId: string, now: Date): Promise<void> {
    return this.#queue.run(() => this.#direct.complete(jobId, workerId, now));
  }
  release(jobId: string, workerId: string, readyAt: Date, now: Date): Promise<void> {
    return this.#queue.run(() => this.#direct.release(jobId, workerId, readyAt, now));
  }

  transaction<T>(fn: (operations: MetadataOperations) => Promise<T>): Promise<T> {
    return this.#queue.run(async () => {
      this.#checkOpen();
      let active = true;
      const operations = new SqliteOperations(this.#db, () => {
        if (!active) throw invalidArgument('transaction', 'its operations were used after it ended');
      });
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(operations);
        active = false;
        this.#db.exec('COMMIT');
        return result;
      } catch (error) {
        active = false;
        this.#db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  close(): Promise<void> {
    return this.#queue.run(() => {
      if (this.#closed) return;
      this.#closed = true;
      this.#db.close();
    });
  }

  #checkOpen(): void {
    // Reached by work that outlives shutdown: a retryable refusal, and no file path for callers to see.
    if (this.#closed) throw new ArcaError('ServiceUnavailable', { reason: 'the metadata store is closed (shutting down)' });
  }
}
