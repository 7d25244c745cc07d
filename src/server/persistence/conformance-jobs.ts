import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { at, rejectsAsInvalid, rejectsWithConflict, secondStore, type StoreTest } from './conformance-helpers.ts';

const T0 = at('2025-05-01T00:00:00.000Z');
const plus = (ms: number): Date => new Date(T0.getTime() + ms);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function describeJobConformance(test: StoreTest): void {
  describe('job queue', () => {
    test('lease takes the ready job with the earliest readyAt, then the earliest enqueued', async ({ store }) => {
      await store.enqueue({ id: 'later', kind: 'backup', payload: { n: 1 }, readyAt: plus(MINUTE) });
      await store.enqueue({ id: 'second', kind: 'restore', payload: { n: 2 }, readyAt: T0 });
      await store.enqueue({ id: 'first', kind: 'backup', payload: { n: 3 }, readyAt: plus(-MINUTE) });
      await store.enqueue({ id: 'third', kind: 'backup', payload: { n: 4 }, readyAt: T0 });
      const leased = await store.lease('w1', HOUR, T0);
      assert.deepEqual(leased, { id: 'first', kind: 'backup', payload: { n: 3 }, readyAt: plus(-MINUTE), workerId: 'w1', leaseExpiresAt: plus(HOUR), attempts: 1 });
      assert.equal((await store.lease('w1', HOUR, T0))?.id, 'second');
      assert.equal((await store.lease('w1', HOUR, T0))?.id, 'third');
      assert.equal(await store.lease('w1', HOUR, T0), undefined, 'a job not yet ready is not leased');
      assert.equal((await store.lease('w1', HOUR, plus(MINUTE)))?.id, 'later');
    });

    test('two concurrent leasers never get the same job', async (fixture) => {
      const other = await secondStore(fixture);
      for (let n = 0; n < 6; n++) await fixture.store.enqueue({ id: `job${n}`, kind: 'backup', payload: n, readyAt: T0 });
      const leases = await Promise.all(
        Array.from({ length: 8 }, (_, n) => (n % 2 === 0 ? fixture.store : other).lease(`w${n}`, MINUTE, T0)),
      );
      const ids = leases.flatMap((l) => (l === undefined ? [] : [l.id]));
      assert.equal(ids.length, 6);
      assert.equal(new Set(ids).size, 6);
    });

    test('a held lease is not taken; an expired one is taken over and the old holder has lost it', async (fixture) => {
      const other = await secondStore(fixture);
      await fixture.store.enqueue({ id: 'job', kind: 'backup', payload: null, readyAt: T0 });
      assert.equal((await fixture.store.lease('dead', MINUTE, T0))?.attempts, 1);
      assert.equal(await other.lease('alive', MINUTE, plus(MINUTE - 1)), undefined);
      const taken = await other.lease('alive', MINUTE, plus(MINUTE));
      assert.deepEqual([taken?.id, taken?.workerId, taken?.attempts], ['job', 'alive', 2]);
      await rejectsWithConflict(fixture.store.renew('job', 'dead', MINUTE, plus(MINUTE)));
      await rejectsWithConflict(fixture.store.complete('job', 'dead', plus(MINUTE)));
      await rejectsWithConflict(fixture.store.release('job', 'dead', T0, plus(MINUTE)));
      assert.equal(await fixture.store.lease('third', MINUTE, plus(MINUTE + 1)), undefined);
    });

    test('renew extends a held lease from now; an expired lease cannot be renewed', async ({ store }) => {
      await store.enqueue({ id: 'job', kind: 'backup', payload: null, readyAt: T0 });
      await store.lease('w1', MINUTE, T0);
      const renewed = await store.renew('job', 'w1', 2 * MINUTE, plus(MINUTE - 1));
      assert.deepEqual(renewed.leaseExpiresAt, plus(3 * MINUTE - 1));
      assert.equal(await store.lease('w2', MINUTE, plus(3 * MINUTE - 2)), undefined);
      await rejectsWithConflict(store.renew('job', 'w1', MINUTE, plus(3 * MINUTE - 1)));
      assert.equal((await store.lease('w2', MINUTE, plus(3 * MINUTE - 1)))?.workerId, 'w2');
    });

    test('complete removes the job for good; completing twice or an unknown job conflicts', async ({ store }) => {
      await store.enqueue({ id: 'job', kind: 'backup', payload: null, readyAt: T0 });
      await store.lease('w1', MINUTE, T0);
      await store.complete('job', 'w1', plus(1));
      assert.equal(await store.lease('w2', MINUTE, plus(10 * MINUTE)), undefined);
      await rejectsWithConflict(store.complete('job', 'w1', plus(2)));
      await rejectsWithConflict(store.renew('nothing', 'w1', MINUTE, T0));
      await store.enqueue({ id: 'job', kind: 'backup', payload: 'again', readyAt: T0 });
      assert.equal((await store.lease('w2', MINUTE, T0))?.payload, 'again', 'a completed id may be enqueued again');
    });

    test('release gives a job back to run again from readyAt, keeping its attempt count', async ({ store }) => {
      await store.enqueue({ id: 'job', kind: 'backup', payload: null, readyAt: T0 });
      await store.lease('w1', MINUTE, T0);
      await store.release('job', 'w1', plus(5 * MINUTE), plus(1));
      assert.equal(await store.lease('w2', MINUTE, plus(5 * MINUTE - 1)), undefined);
      const again = await store.lease('w2', MINUTE, plus(5 * MINUTE));
      assert.deepEqual([again?.workerId, again?.attempts, again?.readyAt], ['w2', 2, plus(5 * MINUTE)]);
    });

    test('enqueueing an id that is queued conflicts; bad arguments are refused', async ({ store }) => {
      await store.enqueue({ id: 'job', kind: 'backup', payload: 1, readyAt: T0 });
      await rejectsWithConflict(store.enqueue({ id: 'job', kind: 'backup', payload: 2, readyAt: T0 }));
      assert.equal((await store.lease('w', MINUTE, T0))?.payload, 1);
      await rejectsAsInvalid(store.enqueue({ id: 'x', kind: '', payload: 1, readyAt: T0 }));
      await rejectsAsInvalid(store.enqueue({ id: 'x', kind: 'backup', payload: 1, readyAt: new Date(Number.NaN) }));
      await rejectsAsInvalid(store.lease('w', 0, T0));
      await rejectsAsInvalid(store.lease('', MINUTE, T0));
      await rejectsAsInvalid(store.renew('job', 'w', MINUTE, 'now' as unknown as Date));
    });
  });
}
