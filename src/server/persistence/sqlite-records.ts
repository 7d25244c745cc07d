import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { ConflictError } from './conflict-error.ts';
import { decodeContinuation, encodeContinuation } from './continuation-token.ts';
import { checkCollection, checkId, checkQuery, checkRecord, toJson, type CheckedQuery } from './input-checks.ts';
import type { IndexValues, ListQuery, NewRecord, Page, StoredRecord, WriteOptions } from './metadata-store.ts';
import { atomically } from './sqlite-atomic.ts';

interface RecordRow {
  id: string;
  version: number;
  data: string;
  index_values: string;
}

export function getRecord<T>(db: DatabaseSync, collection: string, id: string): StoredRecord<T> | undefined {
  checkCollection(collection);
  checkId(id);
  const row = db.prepare('SELECT id, version, data, index_values FROM records WHERE collection = ? AND id = ?').get(collection, id);
  return row === undefined ? undefined : toRecord<T>(row as unknown as RecordRow);
}

export function putRecord<T>(db: DatabaseSync, collection: string, record: NewRecord<T>, options: WriteOptions): StoredRecord<T> {
  checkRecord(collection, record, options);
  const index: IndexValues = { ...record.index };
  const data = toJson(record.data, 'data');
  const indexJson = JSON.stringify(index);
  return atomically(db, () => {
    const current = currentVersion(db, collection, record.id);
    checkExpected(collection, record.id, options.expectedVersion, current);
    const version = current + 1;
    if (current === 0) {
      db.prepare('INSERT INTO records (collection, id, version, data, index_values) VALUES (?, ?, ?, ?, ?)').run(collection, record.id, version, data, indexJson);
    } else {
      db.prepare('UPDATE records SET version = ?, data = ?, index_values = ? WHERE collection = ? AND id = ? AND version = ?').run(version, data, indexJson, collection, record.id, current);
    }
    db.prepare('DELETE FROM record_index WHERE collection = ? AND id = ?').run(collection, record.id);
    const insert = db.prepare('INSERT INTO record_index (collection, id, field, value) VALUES (?, ?, ?, ?)');
    for (const [field, value] of Object.entries(index)) insert.run(collection, record.id, field, value);
    return { id: record.id, version, data: JSON.parse(data) as T, index };
  });
}

export function deleteRecord(db: DatabaseSync, collection: string, id: string, options: WriteOptions): boolean {
  checkRecord(collection, { id, data: null }, options);
  return atomically(db, () => {
    const current = currentVersion(db, collection, id);
    checkExpected(collection, id, options.expectedVersion, current);
    if (current === 0) return false;
    db.prepare('DELETE FROM records WHERE collection = ? AND id = ?').run(collection, id);
    db.prepare('DELETE FROM record_index WHERE collection = ? AND id = ?').run(collection, id);
    return true;
  });
}

const OPERATORS = { eq: '=', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;

export function listRecords<T>(db: DatabaseSync, collection: string, query: ListQuery): Page<T> {
  const checked = checkQuery(collection, query);
  const after = decodeContinuation(collection, checked);
  const { sql, params } = listSql(collection, checked, after);
  const rows = db.prepare(sql).all(...params) as unknown as (RecordRow & { order_value: string })[];
  const page = rows.slice(0, checked.limit);
  const last = page.at(-1);
  const records = page.map((row) => toRecord<T>(row));
  if (rows.length <= checked.limit || last === undefined) return { records };
  return { records, continuation: encodeContinuation(collection, checked, { orderValue: last.order_value, id: last.id }) };
}

/** Keyset paging: the next page starts strictly after the last (order value, id) seen. */
function listSql(collection: string, query: CheckedQuery, after: { orderValue: string; id: string } | undefined): { sql: string; params: SQLInputValue[] } {
  const params: SQLInputValue[] = [];
  const orderExpression = query.orderField === undefined ? "''" : "COALESCE(o.value, '')";
  let sql = `SELECT r.id, r.version, r.data, r.index_values, ${orderExpression} AS order_value FROM records r`;
  if (query.orderField !== undefined) {
    sql += ' LEFT JOIN record_index o ON o.collection = r.collection AND o.id = r.id AND o.field = ?';
    params.push(query.orderField);
  }
  sql += ' WHERE r.collection = ?';
  params.push(collection);
  for (const filter of query.where) {
    sql += ` AND EXISTS (SELECT 1 FROM record_index f WHERE f.collection = r.collection AND f.id = r.id AND f.field = ? AND f.value ${OPERATORS[filter.op]} ?)`;
    params.push(filter.field, filter.value);
  }
  const beyond = query.direction === 'asc' ? '>' : '<';
  const direction = query.direction === 'asc' ? 'ASC' : 'DESC';
  // PostgreSQL refuses a constant in ORDER BY, so id order alone leaves the order value out.
  if (query.orderField === undefined) {
    if (after !== undefined) {
      sql += ` AND r.id ${beyond} ?`;
      params.push(after.id);
    }
    sql += ` ORDER BY r.id ${direction} LIMIT ?`;
  } else {
    if (after !== undefined) {
      sql += ` AND (${orderExpression} ${beyond} ? OR (${orderExpression} = ? AND r.id ${beyond} ?))`;
      params.push(after.orderValue, after.orderValue, after.id);
    }
    sql += ` ORDER BY ${orderExpression} ${direction}, r.id ${direction} LIMIT ?`;
  }
  params.push(query.limit + 1);
  return { sql, params };
}

function currentVersion(db: DatabaseSync, collection: string, id: string): number {
  const row = db.prepare('SELECT version FROM records WHERE collection = ? AND id = ?').get(collection, id) as { version: number } | undefined;
  return row === undefined ? 0 : Number(row.version);
}

function checkExpected(collection: string, id: string, expected: number | undefined, actual: number): void {
  if (expected === undefined || expected === actual) return;
  const reason = actual === 0 ? `expected version ${expected} but the record does not exist` : `expected version ${expected} but found ${actual}`;
  throw new ConflictError({ collection, id, expectedVersion: expected, actualVersion: actual, reason });
}

function toRecord<T>(row: RecordRow): StoredRecord<T> {
  return { id: row.id, version: Number(row.version), data: JSON.parse(row.data) as T, index: JSON.parse(row.index_values) as IndexValues };
}
