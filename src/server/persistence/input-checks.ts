import { invalidArgument } from '../../core/errors/index.ts';
import {
  DEFAULT_LIST_LIMIT,
  FILTER_OPERATORS,
  MAX_LIST_LIMIT,
  ORDER_DIRECTIONS,
  type IndexValues,
  type ListQuery,
  type NewJob,
  type NewRecord,
  type OrderDirection,
  type WriteOptions,
} from './metadata-store.ts';

const COLLECTION = /^[a-z][a-z0-9-]{0,62}$/;
const FIELD = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const MAX_ID_LENGTH = 512;
const MAX_LEASE_MS = 24 * 3_600_000;

/** Checks every input the port takes, so each implementation refuses the same things. */
export function checkCollection(collection: string): void {
  if (typeof collection !== 'string' || !COLLECTION.test(collection)) throw invalidArgument('collection', `"${String(collection)}" is not [a-z][a-z0-9-]*, up to 63 characters`);
}

export function checkId(id: string, name = 'id'): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) throw invalidArgument(name, `must be 1 to ${MAX_ID_LENGTH} characters`);
}

export function checkField(field: string): void {
  if (typeof field !== 'string' || !FIELD.test(field)) throw invalidArgument('field', `"${String(field)}" is not a valid index field name`);
}

export function checkIndex(index: IndexValues): void {
  for (const [field, value] of Object.entries(index)) {
    checkField(field);
    if (typeof value !== 'string') throw invalidArgument(`index.${field}`, 'index values are strings');
  }
}

export function checkWriteOptions(options: WriteOptions): void {
  const version = options.expectedVersion;
  if (version !== undefined && !(Number.isSafeInteger(version) && version >= 0)) throw invalidArgument('expectedVersion', 'must be a whole number, 0 or more');
}

/** JSON text of a value, refusing what JSON cannot carry (undefined, functions, cycles, bigint). */
export function toJson(value: unknown, name: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw invalidArgument(name, `cannot be stored as JSON (${(error as Error).message})`);
  }
  if (text === undefined) throw invalidArgument(name, 'cannot be stored as JSON');
  return text;
}

export function checkRecord(collection: string, record: NewRecord, options: WriteOptions): void {
  checkCollection(collection);
  checkId(record?.id);
  checkIndex(record.index ?? {});
  checkWriteOptions(options);
}

export interface CheckedQuery {
  readonly where: readonly { field: string; op: (typeof FILTER_OPERATORS)[number]; value: string }[];
  readonly orderField: string | undefined;
  readonly direction: OrderDirection;
  readonly limit: number;
  readonly continuation: string | undefined;
}

export function checkQuery(collection: string, query: ListQuery): CheckedQuery {
  checkCollection(collection);
  const where = query.where ?? [];
  for (const filter of where) {
    checkField(filter.field);
    if (!FILTER_OPERATORS.includes(filter.op)) throw invalidArgument('where.op', `"${String(filter.op)}" is not one of ${FILTER_OPERATORS.join(', ')}`);
    if (typeof filter.value !== 'string') throw invalidArgument(`where.${filter.field}`, 'filter values are strings');
  }
  if (query.orderBy !== undefined) checkField(query.orderBy.field);
  const direction = query.orderBy?.direction ?? 'asc';
  if (!ORDER_DIRECTIONS.includes(direction)) throw invalidArgument('orderBy.direction', `"${String(direction)}" is not asc or desc`);
  const limit = query.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) throw invalidArgument('limit', `must be a whole number from 1 to ${MAX_LIST_LIMIT}`);
  return { where: where.map((f) => ({ ...f })), orderField: query.orderBy?.field, direction, limit, continuation: query.continuation };
}

export function checkJob(job: NewJob): void {
  checkId(job?.id);
  if (typeof job.kind !== 'string' || job.kind.length === 0) throw invalidArgument('kind', 'must be a non-empty string');
  checkTime(job.readyAt, 'readyAt');
}

export function checkLease(workerId: string, leaseMs: number, now: Date): void {
  checkId(workerId, 'workerId');
  if (!Number.isSafeInteger(leaseMs) || leaseMs < 1 || leaseMs > MAX_LEASE_MS) throw invalidArgument('leaseMs', `must be a whole number of milliseconds from 1 to ${MAX_LEASE_MS}`);
  checkTime(now, 'now');
}

export function checkTime(time: Date, name: string): void {
  if (!(time instanceof Date) || Number.isNaN(time.getTime())) throw invalidArgument(name, 'must be a valid Date');
}
