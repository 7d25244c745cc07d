import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { isConflictError } from './conflict-error.ts';
import { at, idsOf, rejectsAsInvalid, rejectsWithConflict, type StoreTest } from './conformance-helpers.ts';
import type { MetadataOperations } from './metadata-store.ts';

export function describeTransactionConformance(test: StoreTest): void {
  describe('transaction', () => {
    test('keeps every operation when fn resolves, and returns its value', async ({ store }) => {
      await store.put('items', { id: 'old', data: 1 });
      const result = await store.transaction(async (tx) => {
        await tx.put('items', { id: 'vm1', data: 'protected' });
        await tx.delete('items', 'old');
        await tx.enqueue({ id: 'job1', kind: 'backup', payload: {}, readyAt: at('2025-01-01T00:00:00Z') });
        return (await tx.get('items', 'vm1'))?.version;
      });
      assert.equal(result, 1);
      assert.deepEqual(idsOf((await store.list('items')).records), ['vm1']);
      assert.equal((await store.lease('w', 1000, at('2025-01-01T00:00:00Z')))?.id, 'job1');
    });

    test('keeps nothing when fn throws, and rethrows that very error', async ({ store }) => {
      await store.put('items', { id: 'vm1', data: 'before', index: { state: 'a' } });
      const failure = new Error('handler failed');
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.put('items', { id: 'vm1', data: 'after', index: { state: 'b' } }, { expectedVersion: 1 });
          await tx.put('items', { id: 'vm2', data: 'new' });
          await tx.enqueue({ id: 'job1', kind: 'backup', payload: {}, readyAt: at('2025-01-01T00:00:00Z') });
          assert.equal((await tx.get('items', 'vm1'))?.data, 'after', 'a transaction reads its own writes');
          throw failure;
        }),
        (error: unknown) => error === failure,
      );
      assert.deepEqual(await store.get('items', 'vm1'), { id: 'vm1', version: 1, data: 'before', index: { state: 'a' } });
      assert.equal(await store.get('items', 'vm2'), undefined);
      assert.deepEqual(idsOf((await store.list('items', { where: [{ field: 'state', op: 'eq', value: 'b' }] })).records), []);
      assert.equal(await store.lease('w', 1000, at('2025-01-02T00:00:00Z')), undefined);
    });

    test('a conflict that fn catches undoes only that write', async ({ store }) => {
      await store.put('items', { id: 'vm1', data: 'a' });
      await store.transaction(async (tx) => {
        await tx.put('items', { id: 'vm2', data: 'b' });
        await rejectsWithConflict(tx.put('items', { id: 'vm1', data: 'x' }, { expectedVersion: 7 }), 1);
        await tx.put('items', { id: 'vm3', data: 'c' });
      });
      assert.deepEqual(idsOf((await store.list('items')).records), ['vm1', 'vm2', 'vm3']);
      assert.equal((await store.get('items', 'vm1'))?.data, 'a');
    });

    test('other calls wait for it: a write made meanwhile sees what the transaction committed', async ({ store }) => {
      await store.put('items', { id: 'vm1', data: 'a' });
      let outside: Promise<unknown> | undefined;
      await store.transaction(async (tx) => {
        const read = await tx.get('items', 'vm1');
        outside = store.put('items', { id: 'vm1', data: 'outside' }, { expectedVersion: read?.version ?? 0 });
        await new Promise((resolve) => setImmediate(resolve));
        await tx.put('items', { id: 'vm1', data: 'inside' }, { expectedVersion: read?.version ?? 0 });
      });
      await assert.rejects(outside ?? Promise.resolve(), (error: unknown) => isConflictError(error));
      assert.deepEqual(await store.get('items', 'vm1'), { id: 'vm1', version: 2, data: 'inside', index: {} });
    });

    test('its operations are refused once it has ended', async ({ store }) => {
      let kept: MetadataOperations | undefined;
      await store.transaction(async (tx) => {
        kept = tx;
      });
      assert.ok(kept !== undefined);
      await rejectsAsInvalid(kept.put('items', { id: 'late', data: 1 }));
      assert.equal(await store.get('items', 'late'), undefined);
    });
  });
}
