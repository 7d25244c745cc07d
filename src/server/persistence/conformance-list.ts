import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { at, byCodePoint, idsOf, listAll, rejectsAsInvalid, type StoreTest } from './conformance-helpers.ts';
import type { Filter, MetadataOperations } from './metadata-store.ts';

interface JobRow {
  readonly id: string;
  readonly status: string;
  readonly startTime?: string;
}

const JOBS: readonly JobRow[] = [
  { id: 'j1', status: 'Completed', startTime: '2025-03-01T10:00:00.000Z' },
  { id: 'j2', status: 'Failed', startTime: '2025-03-02T10:00:00.000Z' },
  { id: 'j3', status: 'Completed', startTime: '2025-03-02T10:00:00.000Z' },
  { id: 'j4', status: 'InProgress', startTime: '2025-03-04T23:59:59.999Z' },
  { id: 'j5', status: 'Completed' },
];

async function seed(store: MetadataOperations, rows: readonly JobRow[] = JOBS): Promise<void> {
  for (const row of rows) {
    const index: Record<string, string> = row.startTime === undefined ? { status: row.status } : { status: row.status, startTime: row.startTime };
    await store.put('jobs', { id: row.id, data: row, index });
  }
}

function holds(row: JobRow, f: Filter): boolean {
  const value = (row as unknown as Record<string, string | undefined>)[f.field];
  if (value === undefined) return false;
  const c = byCodePoint(value, f.value);
  return { eq: c === 0, lt: c < 0, le: c <= 0, gt: c > 0, ge: c >= 0 }[f.op];
}

/** What a filter must select, computed here from the rows with code-point comparison. */
function expected(filters: readonly Filter[]): string[] {
  return JOBS.filter((row) => filters.every((f) => holds(row, f))).map((r) => r.id);
}

const FILTER_CASES: [string, Filter[]][] = [
  ['equality on status', [{ field: 'status', op: 'eq', value: 'Completed' }]],
  ['a time range, start inclusive and end exclusive', [{ field: 'startTime', op: 'ge', value: '2025-03-02T00:00:00.000Z' }, { field: 'startTime', op: 'lt', value: '2025-03-04T00:00:00.000Z' }]],
  ['le and gt on the same instant', [{ field: 'startTime', op: 'gt', value: '2025-03-01T10:00:00.000Z' }, { field: 'startTime', op: 'le', value: '2025-03-02T10:00:00.000Z' }]],
  ['status and time together', [{ field: 'status', op: 'eq', value: 'Completed' }, { field: 'startTime', op: 'ge', value: '2025-03-01T10:00:00.000Z' }]],
  ['a field no record has', [{ field: 'operation', op: 'eq', value: 'Backup' }]],
];

export function describeListConformance(test: StoreTest): void {
  describe('list', () => {
    test('without a query lists every record of the collection in id order', async ({ store }) => {
      await seed(store);
      await store.put('other', { id: 'j0', data: null });
      assert.deepEqual(idsOf((await store.list('jobs')).records), ['j1', 'j2', 'j3', 'j4', 'j5']);
      assert.equal((await store.list('jobs')).continuation, undefined);
    });

    for (const [what, where] of FILTER_CASES) {
      test(`filters by ${what}; a record lacking a filtered field never matches`, async ({ store }) => {
        await seed(store);
        assert.deepEqual(idsOf((await store.list('jobs', { where })).records), expected(where));
      });
    }

    test('orders by an index field in either direction, then by id; a missing field counts as empty', async ({ store }) => {
      await seed(store);
      const ascending = await store.list('jobs', { orderBy: { field: 'startTime' } });
      assert.deepEqual(idsOf(ascending.records), ['j5', 'j1', 'j2', 'j3', 'j4']);
      const descending = await store.list('jobs', { orderBy: { field: 'startTime', direction: 'desc' } });
      assert.deepEqual(idsOf(descending.records), ['j4', 'j3', 'j2', 'j1', 'j5']);
    });

    test('pages with limit and continuation, each record once, the last page without a token', async ({ store }) => {
      await seed(store);
      const query = { orderBy: { field: 'startTime', direction: 'desc' as const }, limit: 2 };
      const { ids, pages } = await listAll(store, 'jobs', query);
      assert.deepEqual(ids, ['j4', 'j3', 'j2', 'j1', 'j5']);
      assert.deepEqual(pages, [2, 2, 1]);
      const whole = await store.list('jobs', { limit: 5 });
      assert.equal(whole.records.length, 5);
      assert.equal(whole.continuation, undefined);
    });

    test('a continuation stays valid across inserts and deletes: nothing that stayed repeats or is skipped', async ({ store }) => {
      await seed(store);
      const query = { orderBy: { field: 'startTime' }, limit: 2 };
      const first = await store.list('jobs', query);
      assert.deepEqual(idsOf(first.records), ['j5', 'j1']);
      await store.put('jobs', { id: 'j0', data: {}, index: { startTime: '2025-02-01T00:00:00.000Z' } });
      await store.put('jobs', { id: 'j9', data: {}, index: { startTime: '2025-03-03T00:00:00.000Z' } });
      await store.delete('jobs', 'j2');
      const rest = await listAll(store, 'jobs', { ...query, continuation: first.continuation });
      assert.deepEqual(rest.ids, ['j3', 'j9', 'j4']);
    });

    test('a changed index moves a record: filters see only its latest fields', async ({ store }) => {
      await seed(store);
      await store.put('jobs', { id: 'j4', data: {}, index: { status: 'Completed' } });
      const completed = await store.list('jobs', { where: [{ field: 'status', op: 'eq', value: 'Completed' }] });
      assert.deepEqual(idsOf(completed.records), ['j1', 'j3', 'j4', 'j5']);
      const started = await store.list('jobs', { where: [{ field: 'startTime', op: 'ge', value: '2025-03-04T00:00:00.000Z' }] });
      assert.deepEqual(idsOf(started.records), []);
    });

    test('refuses a token from another query, a forged token, and bad limits, operators and directions', async ({ store }) => {
      await seed(store);
      const first = await store.list('jobs', { limit: 1, where: [{ field: 'status', op: 'eq', value: 'Completed' }] });
      assert.ok(first.continuation !== undefined);
      await rejectsAsInvalid(store.list('jobs', { limit: 1, continuation: first.continuation }));
      await rejectsAsInvalid(store.list('other', { limit: 1, where: [{ field: 'status', op: 'eq', value: 'Completed' }], continuation: first.continuation }));
      await rejectsAsInvalid(store.list('jobs', { continuation: 'not-a-token' }));
      for (const limit of [0, 1001, 2.5]) await rejectsAsInvalid(store.list('jobs', { limit }));
      await rejectsAsInvalid(store.list('jobs', { where: [{ field: 'status', op: 'like' as 'eq', value: 'C%' }] }));
      await rejectsAsInvalid(store.list('jobs', { orderBy: { field: 'status', direction: 'up' as 'asc' } }));
      await rejectsAsInvalid(store.list('jobs', { where: [{ field: 'status', op: 'eq', value: 3 as unknown as string }] }));
    });

    test('compares ISO times of one format in time order', async ({ store }) => {
      const times = ['2025-12-31T23:00:00.000Z', '2025-01-01T00:00:00.000Z', '2024-06-15T12:30:00.500Z'];
      for (const [n, time] of times.entries()) await store.put('points', { id: `rp${n}`, data: {}, index: { time } });
      const listed = await store.list('points', { orderBy: { field: 'time' } });
      const listedTimes = listed.records.map((r) => at(String(r.index.time)).getTime());
      assert.deepEqual(listedTimes, listedTimes.toSorted((a, b) => a - b));
    });
  });
}
