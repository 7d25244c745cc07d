import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isArcaError, type CatalogCode } from '../../core/errors/index.ts';
import type { BlobInfo } from './blob-store.ts';
import { collect, rejectsWithCode, text } from './conformance-helpers.ts';
import { FaultInjectingBlobStore } from './fault-injecting-blob-store.ts';
import { MemoryBlobStore } from './memory-blob-store.ts';
import { RetryingBlobStore, type RetryEvent, type RetryOptions } from './retrying-blob-store.ts';

function harness(options: RetryOptions = {}) {
  const memory = new MemoryBlobStore();
  const faults = new FaultInjectingBlobStore(memory);
  const sleeps: number[] = [];
  const retries: RetryEvent[] = [];
  const store = new RetryingBlobStore(faults, {
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onRetry: (event) => retries.push(event),
    ...options,
  });
  return { memory, faults, store, sleeps, retries };
}

const PERMANENT: readonly CatalogCode[] = [
  'RepositoryStoreFull',
  'RepositoryPermissionDenied',
  'RepositoryBlobNotFound',
  'RepositoryMetadataCorrupt',
];

describe('RetryingBlobStore', () => {
  it('retries a transient failure until the call succeeds, telling onRetry each time', async () => {
    const { memory, faults, store, retries } = harness();
    await memory.put('index/i1', text('index'));
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['get'], nth: 1 });
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['get'], nth: 2 });
    assert.deepEqual(await store.get('index/i1'), text('index'));
    assert.equal(faults.calls.get, 3);
    assert.deepEqual(retries.map((r) => [r.operation, r.key, r.attempt, r.delayMs, r.error.code]), [
      ['get', 'index/i1', 1, 50, 'RepositoryStoreUnavailable'],
      ['get', 'index/i1', 2, 100, 'RepositoryStoreUnavailable'],
    ]);
  });

  it('gives up after the set number of attempts and throws the last error', async () => {
    const { faults, store, sleeps } = harness({ attempts: 4 });
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['put'] });
    await assert.rejects(store.put('data/aa/x', text('x')), (error: unknown) => {
      assert.ok(isArcaError(error) && error.code === 'RepositoryStoreUnavailable');
      assert.match(String(error.params.reason), /put call 4$/);
      return true;
    });
    assert.equal(faults.calls.put, 4);
    assert.equal(sleeps.length, 3);
  });

  for (const code of PERMANENT) {
    it(`does not retry ${code}, which the catalog marks permanent`, async () => {
      const { faults, store, sleeps } = harness();
      faults.addFault({ kind: 'fail', code });
      await rejectsWithCode(store.stat('data/aa/x'), code);
      assert.equal(faults.calls.stat, 1);
      assert.deepEqual(sleeps, []);
    });
  }

  it('does not retry an invalid key', async () => {
    const { faults, store } = harness();
    await rejectsWithCode(store.get('../etc/passwd'), 'UserErrorInvalidArgument');
    assert.equal(faults.calls.get, 1);
  });

  const BACKOFF: readonly { name: string; random: number; expect: number[] }[] = [
    { name: 'halfway jitter', random: 0.5, expect: [50, 100, 200, 400, 500, 500, 500] },
    { name: 'the largest jitter', random: 0.999999, expect: [99, 199, 399, 799, 999, 999, 999] },
    { name: 'no jitter at all', random: 0, expect: [0, 0, 0, 0, 0, 0, 0] },
  ];
  for (const { name, random, expect } of BACKOFF) {
    it(`waits exponentially longer up to the cap, with ${name}`, async () => {
      const { faults, store, sleeps } = harness({ attempts: 8, baseDelayMs: 100, maxDelayMs: 1000, random: () => random });
      faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable' });
      await rejectsWithCode(store.delete('data/aa/x'), 'RepositoryStoreUnavailable');
      assert.deepEqual(sleeps, expect);
    });
  }

  it('stops waiting at once when the signal aborts during a backoff, and rejects with its reason', async () => {
    const sleeping = Promise.withResolvers<void>();
    const { faults, store } = harness({
      // A sleep that never ends and ignores its signal: the store must not wait on it.
      sleep: () => {
        sleeping.resolve();
        return new Promise<void>(() => undefined);
      },
    });
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable' });
    const controller = new AbortController();
    const reason = new Error('backup cancelled');
    const call = store.get('data/aa/x', { signal: controller.signal });
    await sleeping.promise;
    controller.abort(reason);
    await assert.rejects(call, (error: unknown) => error === reason);
    assert.equal(faults.calls.get, 1);
  });

  it('makes no call at all when the signal has already aborted', async () => {
    const { faults, store } = harness();
    const reason = new Error('too late');
    await assert.rejects(store.get('x', { signal: AbortSignal.abort(reason) }), (error: unknown) => error === reason);
    assert.equal(faults.calls.get, 0);
  });

  it('retries a list that fails before its first item', async () => {
    const { memory, faults, store } = harness();
    await memory.put('data/aa/1', text('1'));
    await memory.put('data/aa/2', text('2'));
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['list'], nth: 1 });
    assert.deepEqual((await collect(store.list('data/'))).map((i) => i.key).toSorted(), ['data/aa/1', 'data/aa/2']);
    assert.equal(faults.calls.list, 2);
  });

  it('does not retry a list that fails after yielding items, so no item is given twice', async () => {
    const { memory, faults, store } = harness();
    await memory.put('data/aa/1', text('1'));
    await memory.put('data/aa/2', text('2'));
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['list'], afterCall: true, once: true });
    const seen: BlobInfo[] = [];
    await assert.rejects(
      (async () => {
        for await (const info of store.list('data/')) seen.push(info);
      })(),
      (error: unknown) => isArcaError(error) && error.code === 'RepositoryStoreUnavailable',
    );
    assert.equal(seen.length, 2);
    assert.equal(faults.calls.list, 1);
  });

  it('treats RepositoryBlobExists after a lost reply as success when the stored bytes are its own', async () => {
    const { faults, store, memory } = harness();
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['put'], nth: 1, afterCall: true });
    await store.put('locks/l1', text('mine'), { ifNotExists: true });
    assert.equal(faults.calls.put, 2);
    assert.equal(faults.calls.get, 1);
    assert.deepEqual(await memory.get('locks/l1'), text('mine'));
  });

  it('keeps RepositoryBlobExists after a transient failure when the bytes there are another writer\'s', async () => {
    const memory = new MemoryBlobStore();
    const faults = new FaultInjectingBlobStore(memory);
    const store = new RetryingBlobStore(faults, {
      sleep: async () => undefined,
      onRetry: () => void memory.put('locks/l1', text('theirs')),
    });
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['put'], nth: 1 });
    await rejectsWithCode(store.put('locks/l1', text('mine'), { ifNotExists: true }), 'RepositoryBlobExists');
    assert.deepEqual(await memory.get('locks/l1'), text('theirs'));
  });

  it('does not question RepositoryBlobExists on the first try', async () => {
    const { faults, store, memory } = harness();
    await memory.put('locks/l1', text('mine'));
    await rejectsWithCode(store.put('locks/l1', text('mine'), { ifNotExists: true }), 'RepositoryBlobExists');
    assert.equal(faults.calls.get, 0);
  });

  it('refuses settings that make no sense', () => {
    const inner = new MemoryBlobStore();
    assert.throws(() => new RetryingBlobStore(inner, { attempts: 0 }), { code: 'UserErrorInvalidArgument' });
    assert.throws(() => new RetryingBlobStore(inner, { baseDelayMs: 10, maxDelayMs: 5 }), { code: 'UserErrorInvalidArgument' });
  });
});
