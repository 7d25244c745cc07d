import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { systemClock } from '../../platform/system-clock.ts';
import type { CallOptions } from '../blob/blob-store.ts';
import { FaultInjectingBlobStore } from '../blob/fault-injecting-blob-store.ts';
import { MemoryBlobStore } from '../blob/memory-blob-store.ts';
import { TEST_SCRYPT } from '../testing/fixtures.ts';
import { keyRemovalKey, LAYOUT } from './layout.ts';
import { Repository } from './repository.ts';

/** Holds every key file deletion until `arrivals` removals are about to delete, or `released` settles. */
class GatedDeletes extends FaultInjectingBlobStore {
  gate: { arrivals: number; released: Promise<unknown> } | undefined;
  #arrived = 0;
  #all: (() => void) | undefined;
  readonly #allArrived = new Promise<void>((resolve) => (this.#all = resolve));

  override async delete(key: string, options?: CallOptions): Promise<void> {
    if (this.gate && key.startsWith(LAYOUT.keys)) {
      if (++this.#arrived >= this.gate.arrivals) this.#all?.();
      await Promise.race([this.#allArrived, this.gate.released]);
    }
    return super.delete(key, options);
  }
}

async function repositoryWithKeys(store: FaultInjectingBlobStore | MemoryBlobStore, count: number): Promise<{ handles: Repository[]; phrases: string[] }> {
  const phrases = Array.from({ length: count }, (_, n) => `passphrase ${n}`);
  const first = await Repository.init(store, { passphrase: phrases[0] as string, clock: systemClock, scrypt: TEST_SCRYPT });
  for (const phrase of phrases.slice(1)) await first.addKey(phrase, TEST_SCRYPT);
  const handles = await Promise.all(phrases.map((passphrase) => Repository.open(store, { passphrase, clock: systemClock })));
  return { handles, phrases };
}

const isConflict = (reason: unknown) => isArcaError(reason) && reason.code === 'RepositoryKeyRemovalConflict';

describe('removing keys concurrently', () => {
  it('never removes the last two keys when two removals pass their first check together', async () => {
    const store = new GatedDeletes(new MemoryBlobStore());
    const { handles, phrases } = await repositoryWithKeys(store, 2);
    const [a, b] = handles as [Repository, Repository];
    // Each removes the other's key; both have seen two keys before either deletes.
    let settle!: () => void;
    const released = new Promise<void>((resolve) => (settle = resolve));
    store.gate = { arrivals: 2, released };
    const outcomes = await Promise.allSettled([a.removeKey(b.keyId).finally(settle), b.removeKey(a.keyId).finally(settle)]);
    store.gate = undefined;
    const keys = await a.listKeys();
    const removed = outcomes.filter((o) => o.status === 'fulfilled').length;
    assert.ok(removed <= 1, 'at most one removal went through');
    assert.equal(keys.length, 2 - removed);
    for (const o of outcomes) if (o.status === 'rejected') assert.ok(isConflict(o.reason), String(o.reason));
    for (const key of keys) await Repository.open(store, { passphrase: phrases[handles.findIndex((h) => h.keyId === key.id)] as string, clock: systemClock });
    // Once the race is over, a removal on its own goes through.
    if (removed === 0) await a.removeKey(b.keyId);
    assert.equal((await a.listKeys()).length, 1);
    assert.equal(await countRemovalNotes(store), 0, 'no note is left behind');
  });

  it('keeps at least one key when every key is removed at once, round after round', async () => {
    for (let round = 0; round < 4; round++) {
      const store = new MemoryBlobStore();
      const { handles } = await repositoryWithKeys(store, 3);
      const outcomes = await Promise.allSettled(handles.map((h, n) => h.removeKey((handles[(n + 1) % handles.length] as Repository).keyId)));
      for (const o of outcomes) if (o.status === 'rejected') assert.ok(isConflict(o.reason) || (isArcaError(o.reason) && o.reason.code === 'UserErrorInvalidArgument'), String(o.reason));
      assert.ok((await (handles[0] as Repository).listKeys()).length >= 1);
    }
  });

  it('is held back by a note of a removal under way however old it looks, and clears old notes only of keys gone', async () => {
    const store = new MemoryBlobStore();
    const { handles } = await repositoryWithKeys(store, 3);
    const [a, b, c] = handles as [Repository, Repository, Repository];
    await store.put(keyRemovalKey(a.keyId), new Uint8Array());
    await store.put(keyRemovalKey(c.keyId), new Uint8Array());
    await store.delete(`${LAYOUT.keys}${c.keyId}`);
    await assert.rejects(a.removeKey(b.keyId), isConflict);
    // By a clock two hours ahead both notes look left by killed removals: a's key is still there, so
    // its note still holds; c's key is gone, so its note is cleared.
    const later = await Repository.open(store, { passphrase: 'passphrase 1', clock: { now: () => new Date(Date.now() + 2 * 60 * 60_000) } });
    await assert.rejects(later.removeKey(b.keyId), isConflict);
    assert.equal((await later.listKeys()).length, 2);
    assert.equal(await countRemovalNotes(store), 1, 'the old note of the key that is gone was cleared');
    await store.delete(keyRemovalKey(a.keyId));
    await later.removeKey(b.keyId);
    assert.deepEqual((await later.listKeys()).map((k) => k.id), [a.keyId]);
    assert.equal(await countRemovalNotes(store), 0);
  });

  it('keeps the last key when a removal paused before deleting meets one whose clock is hours ahead', async () => {
    const store = new PausedDelete(new MemoryBlobStore());
    const { handles } = await repositoryWithKeys(store, 2);
    const [a, b] = handles as [Repository, Repository];
    const skewed = await Repository.open(store, { passphrase: 'passphrase 1', clock: { now: () => new Date(Date.now() + 2 * 60 * 60_000) } });
    const paused = store.pauseBefore(`${LAYOUT.keys}${b.keyId}`);
    const first = a.removeKey(b.keyId);
    await paused.reached;
    await assert.rejects(skewed.removeKey(a.keyId), isConflict);
    paused.release();
    await first;
    assert.deepEqual((await a.listKeys()).map((k) => k.id), [a.keyId]);
    await Repository.open(store, { passphrase: 'passphrase 0', clock: systemClock });
  });
});

/** Holds one chosen deletion until released: a removal paused for as long as the test likes. */
class PausedDelete extends FaultInjectingBlobStore {
  #hold: { key: string; reach: () => void; gate: Promise<void> } | undefined;

  pauseBefore(key: string): { reached: Promise<void>; release: () => void } {
    let reach!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => (reach = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    this.#hold = { key, reach, gate };
    return { reached, release };
  }

  override async delete(key: string, options?: CallOptions): Promise<void> {
    const hold = this.#hold;
    if (hold?.key === key) {
      this.#hold = undefined;
      hold.reach();
      await hold.gate;
    }
    return super.delete(key, options);
  }
}

async function countRemovalNotes(store: MemoryBlobStore | FaultInjectingBlobStore): Promise<number> {
  let n = 0;
  for await (const _ of store.list(LAYOUT.keyRemovals)) n++;
  return n;
}
