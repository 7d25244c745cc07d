import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { describeJobConformance } from './conformance-jobs.ts';
import { describeListConformance } from './conformance-list.ts';
import { describeTransactionConformance } from './conformance-transactions.ts';
import { rejectsAsInvalid, rejectsWithConflict, secondStore, storeTest, type FixtureFactory } from './conformance-helpers.ts';
import type { MetadataStore } from './metadata-store.ts';

export type { FixtureFactory, MetadataStoreFixture } from './conformance-helpers.ts';

/**
 * The MetadataStore contract as tests, run against every implementation. `factory` gives a fresh,
 * empty database per test; a medium that outlives its connection also gives `reopen`, and one
 * that several replicas share gives `openAnother`.
 */
export function describeMetadataStoreConformance(name: string, factory: FixtureFactory, options: { durable: boolean }): void {
  const test = storeTest(factory);
  describe(`MetadataStore conformance: ${name}`, () => {
    describe('records', () => {
      test('put then get returns the data, index and version 1; a missing id gives undefined', async ({ store }) => {
        const written = await store.put('policies', { id: 'daily', data: { hour: 3, tags: ['a'] }, index: { kind: 'V1' } });
        assert.deepEqual(written, { id: 'daily', version: 1, data: { hour: 3, tags: ['a'] }, index: { kind: 'V1' } });
        assert.deepEqual(await store.get('policies', 'daily'), written);
        assert.equal(await store.get('policies', 'weekly'), undefined);
        assert.equal(await store.get('vaults', 'daily'), undefined, 'collections do not share ids');
      });

      test('get returns a copy: changing it changes nothing stored', async ({ store }) => {
        await store.put('vaults', { id: 'v', data: { name: 'one' } });
        const read = await store.get<{ name: string }>('vaults', 'v');
        assert.ok(read !== undefined);
        read.data.name = 'changed';
        assert.deepEqual((await store.get('vaults', 'v'))?.data, { name: 'one' });
      });

      test('each put adds one to the version; without expectedVersion it overwrites', async ({ store }) => {
        await store.put('items', { id: 'vm1', data: 1 });
        const second = await store.put('items', { id: 'vm1', data: 2 });
        assert.equal(second.version, 2);
        assert.deepEqual(await store.get('items', 'vm1'), { id: 'vm1', version: 2, data: 2, index: {} });
      });

      test('expectedVersion 0 creates only a record that does not exist yet', async ({ store }) => {
        assert.equal((await store.put('items', { id: 'vm1', data: 'a' }, { expectedVersion: 0 })).version, 1);
        await rejectsWithConflict(store.put('items', { id: 'vm1', data: 'b' }, { expectedVersion: 0 }), 1);
        assert.equal((await store.get('items', 'vm1'))?.data, 'a');
      });

      test('a stale expectedVersion fails with ConflictError and changes nothing', async ({ store }) => {
        await store.put('items', { id: 'vm1', data: 'a', index: { state: 'On' } });
        await store.put('items', { id: 'vm1', data: 'b', index: { state: 'On' } }, { expectedVersion: 1 });
        await rejectsWithConflict(store.put('items', { id: 'vm1', data: 'c', index: { state: 'Off' } }, { expectedVersion: 1 }), 2);
        await rejectsWithConflict(store.put('items', { id: 'vm2', data: 'c' }, { expectedVersion: 1 }), 0);
        assert.deepEqual(await store.get('items', 'vm1'), { id: 'vm1', version: 2, data: 'b', index: { state: 'On' } });
        assert.equal(await store.get('items', 'vm2'), undefined);
      });

      test('of two writers holding the same version, exactly one wins', async (fixture) => {
        const other = await secondStore(fixture);
        await fixture.store.put('items', { id: 'vm1', data: 'start' });
        for (let round = 1; round <= 5; round++) {
          const results = await Promise.allSettled([
            fixture.store.put('items', { id: 'vm1', data: `a${round}` }, { expectedVersion: round }),
            other.put('items', { id: 'vm1', data: `b${round}` }, { expectedVersion: round }),
          ]);
          const won = results.filter((r) => r.status === 'fulfilled');
          assert.equal(won.length, 1, `round ${round}`);
          const stored = await fixture.store.get('items', 'vm1');
          assert.equal(stored?.version, round + 1);
          assert.equal(stored?.data, won[0]?.status === 'fulfilled' ? won[0].value.data : undefined);
        }
      });

      test('delete says whether it deleted, and honours expectedVersion', async ({ store }) => {
        await store.put('locks', { id: 'l1', data: {} });
        await store.put('locks', { id: 'l1', data: {} });
        await rejectsWithConflict(store.delete('locks', 'l1', { expectedVersion: 1 }), 2);
        assert.equal(await store.delete('locks', 'l1', { expectedVersion: 2 }), true);
        assert.equal(await store.get('locks', 'l1'), undefined);
        assert.equal(await store.delete('locks', 'l1'), false);
        await rejectsWithConflict(store.delete('locks', 'l1', { expectedVersion: 2 }), 0);
        assert.deepEqual((await store.list('locks')).records, []);
      });

      const invalidCalls: [string, (store: MetadataStore) => Promise<unknown>][] = [
        ['a collection name with capitals', (s) => s.get('Vaults', 'x')],
        ['an empty collection name', (s) => s.put('', { id: 'x', data: 1 })],
        ['an empty id', (s) => s.put('vaults', { id: '', data: 1 })],
        ['an id over 512 characters', (s) => s.get('vaults', 'x'.repeat(513))],
        ['data JSON cannot carry', (s) => s.put('vaults', { id: 'x', data: undefined })],
        ['data with a bigint', (s) => s.put('vaults', { id: 'x', data: { n: 1n } })],
        ['an index value that is not a string', (s) => s.put('vaults', { id: 'x', data: 1, index: { n: 5 as unknown as string } })],
        ['an index field name with a space', (s) => s.put('vaults', { id: 'x', data: 1, index: { 'a b': 'c' } })],
        ['a negative expectedVersion', (s) => s.put('vaults', { id: 'x', data: 1 }, { expectedVersion: -1 })],
        ['a fractional expectedVersion', (s) => s.delete('vaults', 'x', { expectedVersion: 1.5 })],
      ];
      for (const [what, call] of invalidCalls) {
        test(`refuses ${what} with UserErrorInvalidArgument`, async ({ store }) => {
          await rejectsAsInvalid(call(store));
          assert.deepEqual((await store.list('vaults')).records, []);
        });
      }
    });

    describeListConformance(test);
    describeTransactionConformance(test);
    describeJobConformance(test);

    describe('schema and durability', () => {
      test('runs at a positive schema version after open', async ({ store }) => {
        assert.ok(Number.isSafeInteger(store.schemaVersion) && store.schemaVersion > 0);
      });

      if (options.durable) {
        test('reopening keeps records and jobs, and the schema version, migrating nothing twice', async (fixture) => {
          const { store } = fixture;
          await store.put('vaults', { id: 'v1', data: { region: 'west' }, index: { region: 'west' } });
          await store.enqueue({ id: 'job1', kind: 'backup', payload: { item: 'vm1' }, readyAt: new Date(0) });
          assert.ok(fixture.reopen !== undefined);
          const reopened = await fixture.reopen();
          assert.equal(reopened.schemaVersion, store.schemaVersion);
          const again = await fixture.reopen();
          assert.equal(again.schemaVersion, store.schemaVersion);
          assert.deepEqual(await again.get('vaults', 'v1'), { id: 'v1', version: 1, data: { region: 'west' }, index: { region: 'west' } });
          assert.equal((await again.lease('w', 1000, new Date(1)))?.id, 'job1');
        });
      }
    });
  });
}
