import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsWithCode, text } from './conformance-helpers.ts';
import { FaultInjectingBlobStore } from './fault-injecting-blob-store.ts';
import { MemoryBlobStore } from './memory-blob-store.ts';
import { RetryingBlobStore, type RetryEvent, type RetryOptions } from './retrying-blob-store.ts';

function harness(options: RetryOptions = {}) {
  const memory = new MemoryBlobStore();
  const faults = new FaultInjectingBlobStore(memory);
  const retries: RetryEvent[] = [];
  const store = new RetryingBlobStore(faults, { sleep: async () => undefined, random: () => 0.5, onRetry: (event) => retries.push(event), ...options });
  return { memory, faults, store, retries };
}

describe('RetryingBlobStore writers', () => {
  it('tries create again after a transient failure', async () => {
    const { faults, store, retries } = harness();
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['create'], nth: 1 });
    const writer = await store.create('packs/p');
    await writer.write(text('pack'));
    await writer.commit();
    assert.equal(faults.calls.create, 2);
    assert.deepEqual(retries.map((r) => [r.operation, r.key, r.attempt]), [['create', 'packs/p', 1]]);
  });

  it('tries a commit again after a transient failure, and the object is the writer\'s', async () => {
    const { memory, faults, store, retries } = harness();
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['commit'], nth: 1 });
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['commit'], nth: 2 });
    const writer = await store.create('packs/p', { ifNotExists: true });
    await writer.write(text('pa'));
    await writer.write(text('ck'));
    await writer.commit();
    assert.equal(writer.state, 'committed');
    assert.equal(faults.calls.commit, 3);
    assert.deepEqual(retries.map((r) => [r.operation, r.attempt]), [['commit', 1], ['commit', 2]]);
    assert.deepEqual(await memory.get('packs/p'), text('pack'));
  });

  it('settles a commit whose reply was lost by committing again, which finds the writer already done', async () => {
    const { memory, faults, store } = harness();
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['commit'], nth: 1, afterCall: true });
    const writer = await store.create('locks/l1', { ifNotExists: true });
    await writer.write(text('mine'));
    await writer.commit();
    assert.equal(faults.calls.commit, 2);
    assert.deepEqual(await memory.get('locks/l1'), text('mine'));
  });

  it('does not try a write again: it rejects, the writer is aborted and nothing is stored', async () => {
    const { memory, faults, store } = harness();
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['write'], nth: 2 });
    const writer = await store.create('packs/p');
    await writer.write(text('first'));
    await rejectsWithCode(writer.write(text('second')), 'RepositoryStoreUnavailable');
    assert.equal(faults.calls.write, 2);
    assert.equal(writer.state, 'aborted');
    await rejectsWithCode(writer.commit(), 'UserErrorInvalidArgument');
    assert.equal(faults.calls.commit, 0);
    assert.equal(await memory.stat('packs/p'), undefined);
  });

  it('does not try a commit again once the writer has lost its bytes (a torn commit)', async () => {
    const { memory, faults, store, retries } = harness();
    faults.addFault({ kind: 'torn-put', key: 'packs/' });
    const writer = await store.create('packs/p');
    await writer.write(text('pack'));
    await rejectsWithCode(writer.commit(), 'RepositoryStoreUnavailable');
    assert.equal(writer.state, 'aborted');
    assert.equal(faults.calls.commit, 1);
    assert.deepEqual(retries, []);
    assert.equal(await memory.stat('packs/p'), undefined);
  });

  it('keeps RepositoryBlobExists met after a transient commit failure: without the bytes it cannot compare', async () => {
    const memory = new MemoryBlobStore();
    const faults = new FaultInjectingBlobStore(memory);
    const store = new RetryingBlobStore(faults, {
      sleep: async () => undefined,
      onRetry: () => void memory.put('locks/l1', text('theirs')),
    });
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['commit'], nth: 1 });
    const writer = await store.create('locks/l1', { ifNotExists: true });
    await writer.write(text('mine'));
    await rejectsWithCode(writer.commit(), 'RepositoryBlobExists');
    assert.equal(writer.state, 'aborted');
    assert.equal(faults.calls.get, 0);
    assert.deepEqual(await memory.get('locks/l1'), text('theirs'));
  });

  it('gives up on a commit after the set number of attempts, leaving the writer committing for the caller to abort', async () => {
    const { memory, faults, store } = harness({ attempts: 3 });
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['commit'] });
    const writer = await store.create('packs/p');
    await writer.write(text('pack'));
    await rejectsWithCode(writer.commit(), 'RepositoryStoreUnavailable');
    assert.equal(faults.calls.commit, 3);
    assert.equal(writer.state, 'committing');
    await writer.abort();
    assert.equal(writer.state, 'aborted');
    assert.equal(await memory.stat('packs/p'), undefined);
  });

  it('does not try a commit again after a permanent failure', async () => {
    const { faults, store } = harness();
    faults.addFault({ kind: 'fail', code: 'RepositoryPermissionDenied', operations: ['commit'] });
    const writer = await store.create('packs/p');
    await rejectsWithCode(writer.commit(), 'RepositoryPermissionDenied');
    assert.equal(faults.calls.commit, 1);
    assert.equal(writer.state, 'aborted');
  });
});
