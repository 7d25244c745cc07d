import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BlobInfo, BlobStore, BlobWriter } from './blob-store.ts';
import { rejectsWithCode, text } from './conformance-helpers.ts';
import { ConcurrencyLimitedBlobStore } from './concurrency-limited-blob-store.ts';
import { FaultInjectingBlobStore } from './fault-injecting-blob-store.ts';
import { MemoryBlobStore } from './memory-blob-store.ts';

/** An inner store whose gets wait until the test opens their gate; it records how many ran at once. */
class GatedBlobStore implements BlobStore {
  readonly location = 'gated:';
  readonly entered: string[] = [];
  readonly #gates: PromiseWithResolvers<void>[] = [];
  readonly #arrivals: { count: number; resolve: () => void }[] = [];
  running = 0;
  maxRunning = 0;

  /** Resolves once `count` calls have entered the store. */
  arrived(count: number): Promise<void> {
    if (this.entered.length >= count) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#arrivals.push({ count, resolve });
    return promise;
  }

  open(index: number): void {
    this.#gates[index]?.resolve();
  }

  async get(key: string): Promise<Uint8Array> {
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    const gate = Promise.withResolvers<void>();
    this.#gates.push(gate);
    this.entered.push(key);
    for (const arrival of this.#arrivals) if (this.entered.length >= arrival.count) arrival.resolve();
    await gate.promise;
    this.running -= 1;
    return text(key);
  }

  async put(): Promise<void> {}
  async stat(): Promise<BlobInfo | undefined> {
    return undefined;
  }
  async *list(): AsyncGenerator<BlobInfo> {}
  async delete(): Promise<void> {}
  async create(): Promise<BlobWriter> {
    throw new Error('GatedBlobStore gates gets only');
  }
}

describe('ConcurrencyLimitedBlobStore', () => {
  it('never lets more than limit calls run at once, and serves the rest in order', async () => {
    const inner = new GatedBlobStore();
    const store = new ConcurrencyLimitedBlobStore(inner, 3);
    const keys = Array.from({ length: 10 }, (_, i) => `data/aa/${i}`);
    const calls = keys.map((key) => store.get(key));
    await inner.arrived(3);
    assert.deepEqual(store.load, { running: 3, waiting: 7 });
    for (let index = 0; index < keys.length; index += 1) {
      inner.open(index);
      await inner.arrived(Math.min(keys.length, index + 4));
      assert.ok(inner.running <= 3, `${inner.running} running`);
    }
    assert.deepEqual(await Promise.all(calls), keys.map(text));
    assert.equal(inner.maxRunning, 3);
    assert.deepEqual(inner.entered, keys);
    assert.deepEqual(store.load, { running: 0, waiting: 0 });
  });

  it('drops a queued call whose signal aborts, rejecting with the reason before it reaches the store', async () => {
    const inner = new GatedBlobStore();
    const store = new ConcurrencyLimitedBlobStore(inner, 1);
    const first = store.get('data/aa/first');
    await inner.arrived(1);
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const queued = store.get('data/aa/queued', { signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(queued, (error: unknown) => error === reason);
    inner.open(0);
    await first;
    assert.deepEqual(inner.entered, ['data/aa/first']);
    assert.deepEqual(store.load, { running: 0, waiting: 0 });
  });

  it('counts a list as one call while it is iterated and frees it when the caller stops early', async () => {
    const memory = new MemoryBlobStore();
    await memory.put('data/aa/1', text('1'));
    await memory.put('data/aa/2', text('2'));
    const store = new ConcurrencyLimitedBlobStore(memory, 1);
    const listing = store.list('data/')[Symbol.asyncIterator]();
    await listing.next();
    const get = store.get('data/aa/1');
    assert.deepEqual(store.load, { running: 1, waiting: 1 });
    await listing.return?.(undefined);
    assert.deepEqual(await get, text('1'));
    assert.deepEqual(store.load, { running: 0, waiting: 0 });
  });

  it('gives the permit back when a call fails', async () => {
    const faults = new FaultInjectingBlobStore(new MemoryBlobStore());
    faults.addFault({ kind: 'fail', code: 'RepositoryPermissionDenied', once: true });
    const store = new ConcurrencyLimitedBlobStore(faults, 1);
    await rejectsWithCode(store.put('data/aa/x', text('x')), 'RepositoryPermissionDenied');
    await store.put('data/aa/x', text('x'));
    assert.deepEqual(store.load, { running: 0, waiting: 0 });
  });

  it('lets a writer hold one permit from create until it commits, or until it aborts', async () => {
    const store = new ConcurrencyLimitedBlobStore(new MemoryBlobStore(), 1);
    const writer = await store.create('packs/p');
    const get = store.get('packs/p');
    assert.deepEqual(store.load, { running: 1, waiting: 1 });
    await writer.write(text('pa'));
    await writer.write(text('ck'));
    await writer.commit();
    assert.deepEqual(await get, text('pack'), 'the queued get ran after the commit');
    const second = await store.create('packs/q');
    assert.deepEqual(store.load, { running: 1, waiting: 0 });
    await second.abort();
    await second.abort();
    assert.deepEqual(store.load, { running: 0, waiting: 0 });
  });

  it('gives a writer\'s permit back when a failed write or commit aborts it', async () => {
    const faults = new FaultInjectingBlobStore(new MemoryBlobStore());
    faults.addFault({ kind: 'fail', code: 'RepositoryPermissionDenied', operations: ['write'], once: true });
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreFull', operations: ['commit'], once: true });
    const store = new ConcurrencyLimitedBlobStore(faults, 1);
    const first = await store.create('packs/p');
    await rejectsWithCode(first.write(text('x')), 'RepositoryPermissionDenied');
    assert.deepEqual(store.load, { running: 0, waiting: 0 });
    const second = await store.create('packs/p');
    await rejectsWithCode(second.commit(), 'RepositoryStoreFull');
    assert.deepEqual([second.state, store.load], ['aborted', { running: 0, waiting: 0 }]);
  });

  it('gives a writer\'s permit back when its signal aborts, so queued calls go on', async () => {
    const store = new ConcurrencyLimitedBlobStore(new MemoryBlobStore(), 1);
    const controller = new AbortController();
    const writer = await store.create('packs/p', { signal: controller.signal });
    await writer.write(text('never committed'));
    const queued = store.stat('packs/p');
    controller.abort(new Error('cancelled'));
    assert.equal(await queued, undefined);
    assert.equal(writer.state, 'aborted');
    assert.deepEqual(store.load, { running: 0, waiting: 0 });
  });

  it('drops a create that waits for a permit when its signal aborts', async () => {
    const store = new ConcurrencyLimitedBlobStore(new MemoryBlobStore(), 1);
    const holder = await store.create('packs/a');
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const waiting = store.create('packs/b', { signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(waiting, (error: unknown) => error === reason);
    await holder.abort();
    assert.deepEqual(store.load, { running: 0, waiting: 0 });
  });

  it('refuses a limit below one', () => {
    assert.throws(() => new ConcurrencyLimitedBlobStore(new MemoryBlobStore(), 0), { code: 'UserErrorInvalidArgument' });
  });
});
