/**
 * MetadataStore: the one port between the control plane and the database that keeps its metadata
 * (vaults, policies, protected items, jobs, recovery points…) and its persistent job queue. SQLite
 * is the embedded medium; PostgreSQL comes next, so nothing here depends on SQLite's dialect.
 *
 * Contract every implementation keeps (the conformance suite checks each point):
 * - Records live in named collections (`[a-z][a-z0-9-]*`, at most 63 characters) under an id (1 to
 *   512 characters). A record's `data` is any JSON value, returned as a structural copy; the store
 *   never interprets it. Its `index` holds the string fields list() may filter and order on.
 * - Every record has a version, 1 at creation and one more at every put. put with `expectedVersion`
 *   writes only if the stored version is that one (0: only if the record does not exist); otherwise
 *   it fails with ConflictError and changes nothing, so of several writers holding the same version
 *   exactly one wins. Without it put overwrites. delete honours `expectedVersion` the same way and is
 *   otherwise idempotent.
 * - list filters on index fields (`eq`, `lt`, `le`, `gt`, `ge`, all comparing strings by code point,
 *   which orders ISO-8601 UTC times of one format in time order; a record lacking a filtered field
 *   never matches), orders by one index field (a missing field counts as '') then by id, both in the
 *   direction asked, and pages with `limit` (1–1000, 100 by default) and an opaque continuation
 *   token. Paging is by position,
 *   not offset: records inserted or deleted meanwhile never make a page repeat or skip a record that
 *   stayed. A token is only valid for the query that produced it.
 * - transaction(fn) runs fn's operations atomically: all of them are kept when fn resolves, none
 *   when it throws (the error is rethrown). Other calls wait while it runs, so keep fn short and do
 *   no outside I/O in it; calling the store itself (not `operations`) from fn waits for fn forever.
 *   The operations object is refused once fn settles.
 * - Job queue: enqueue adds a job ready at `readyAt` (a duplicate id is a ConflictError). lease
 *   atomically claims the ready job with the earliest readyAt (then earliest enqueued) whose lease
 *   is free or expired, for `leaseMs`; two leasers, also in two processes, never hold one job at
 *   once, and a job whose holder died is taken over once its lease expires. renew extends a lease
 *   still held; complete removes the job; release gives it back to run again at `readyAt`. A lease
 *   that expired or was taken is lost: renew, complete and release then fail with ConflictError.
 * - Time is passed in, never read from a clock. Bad input fails with ArcaError
 *   UserErrorInvalidArgument; conflicts with ConflictError, which callers map to their own codes.
 */
export interface MetadataOperations {
  get<T = unknown>(collection: string, id: string): Promise<StoredRecord<T> | undefined>;
  put<T = unknown>(collection: string, record: NewRecord<T>, options?: WriteOptions): Promise<StoredRecord<T>>;
  /** Resolves true when a record was deleted, false when there was none. */
  delete(collection: string, id: string, options?: WriteOptions): Promise<boolean>;
  list<T = unknown>(collection: string, query?: ListQuery): Promise<Page<T>>;
  enqueue(job: NewJob): Promise<void>;
  lease(workerId: string, leaseMs: number, now: Date): Promise<LeasedJob | undefined>;
  renew(jobId: string, workerId: string, leaseMs: number, now: Date): Promise<LeasedJob>;
  complete(jobId: string, workerId: string, now: Date): Promise<void>;
  release(jobId: string, workerId: string, readyAt: Date, now: Date): Promise<void>;
}

export interface MetadataStore extends MetadataOperations {
  /** Where the store lives, for messages: a path or a URL without credentials. */
  readonly location: string;
  /** The schema version the store runs at, after its migrations were applied at open. */
  readonly schemaVersion: number;
  transaction<T>(fn: (operations: MetadataOperations) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type IndexValues = Readonly<Record<string, string>>;

export interface NewRecord<T = unknown> {
  readonly id: string;
  readonly data: T;
  /** Fields list() can filter and order on, e.g. `{ status: 'InProgress', startTime: '2025-…Z' }`. */
  readonly index?: IndexValues;
}

export interface StoredRecord<T = unknown> {
  readonly id: string;
  readonly version: number;
  readonly data: T;
  readonly index: IndexValues;
}

export interface WriteOptions {
  /** The version the caller read; 0 means "must not exist yet". */
  readonly expectedVersion?: number;
}

export const FILTER_OPERATORS = ['eq', 'lt', 'le', 'gt', 'ge'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export const ORDER_DIRECTIONS = ['asc', 'desc'] as const;
export type OrderDirection = (typeof ORDER_DIRECTIONS)[number];

export interface Filter {
  readonly field: string;
  readonly op: FilterOperator;
  readonly value: string;
}

export interface ListQuery {
  /** All must hold. */
  readonly where?: readonly Filter[];
  /** Without it, records come in id order. */
  readonly orderBy?: { readonly field: string; readonly direction?: OrderDirection };
  readonly limit?: number;
  readonly continuation?: string;
}

export interface Page<T = unknown> {
  readonly records: readonly StoredRecord<T>[];
  /** Present when more records may follow; pass it back with the same query. */
  readonly continuation?: string;
}

export interface NewJob {
  readonly id: string;
  /** What the job does, e.g. `backup`; the engine dispatches on it. */
  readonly kind: string;
  readonly payload: unknown;
  readonly readyAt: Date;
}

export interface LeasedJob {
  readonly id: string;
  readonly kind: string;
  readonly payload: unknown;
  readonly readyAt: Date;
  readonly workerId: string;
  readonly leaseExpiresAt: Date;
  /** How many times the job was leased, this lease included. */
  readonly attempts: number;
}

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;
