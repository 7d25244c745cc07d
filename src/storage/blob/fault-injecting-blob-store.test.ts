import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { collect, keysOf, rejectsWithCode, text } from './conformance-helpers.ts';
import { FaultInjectingBlobStore } from './fault-injecting-blob-store.ts';
import { MemoryBlobStore } from './memory-blob-store.ts';

function harness() {
  const memory = new MemoryBlobStore({ location: 'memory:test' });
  return { memory, faults: new FaultInjectingBlobStore(memory) };
}

describe('FaultInjectingBlobStore', () => {
  it('fails only the Nth call of an operation', async () => {
    const { faults } = harness();
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['stat'], nth: 2 });
    assert.equal(await faults.stat('a'), undefined);
    await rejectsWithCode(faults.stat('a'), 'RepositoryStoreUnavailable');
    assert.equal(await faults.stat('a'), undefined);
    await faults.get('a').catch(() => undefined);
    assert.deepEqual(faults.calls, { put: 0, get: 1, stat: 3, list: 0, delete: 0, create: 0, write: 0, commit: 0 });
  });

  it('fails calls whose key starts with a prefix or matches a RegExp, and no others', async () => {
    const { faults } = harness();
    faults.addFault({ kind: 'fail', code: 'RepositoryPermissionDenied', key: 'index/' });
    faults.addFault({ kind: 'fail', code: 'RepositoryMetadataCorrupt', key: /^snapshots\/.*\.bad$/ });
    await faults.put('data/aa/1', text('ok'));
    await rejectsWithCode(faults.put('index/i1', text('x')), 'RepositoryPermissionDenied');
    await rejectsWithCode(faults.get('snapshots/s.bad'), 'RepositoryMetadataCorrupt');
    await rejectsWithCode(faults.get('snapshots/s.good'), 'RepositoryBlobNotFound');
    await rejectsWithCode(collect(faults.list('index/')), 'RepositoryPermissionDenied');
    assert.deepEqual(await keysOf(faults.list('data/')), ['data/aa/1']);
  });

  it('gives each code its own retryability: transient or permanent', async () => {
    const { faults } = harness();
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['get'] });
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreFull', operations: ['put'] });
    const errors = await Promise.allSettled([faults.get('a'), faults.put('a', text('a'))]);
    assert.deepEqual(
      errors.map((e) => (e.status === 'rejected' && isArcaError(e.reason) ? [e.reason.code, e.reason.retryable] : e.status)),
      [['RepositoryStoreUnavailable', true], ['RepositoryStoreFull', false]],
    );
  });

  it('fires a once rule a single time and lets a removed rule go', async () => {
    const { faults } = harness();
    const once = faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['delete'], once: true });
    await rejectsWithCode(faults.delete('a'), 'RepositoryStoreUnavailable');
    await faults.delete('a');
    assert.equal(once.fired, 1);
    const always = faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['delete'] });
    await rejectsWithCode(faults.delete('a'), 'RepositoryStoreUnavailable');
    always.remove();
    await faults.delete('a');
    assert.equal(always.fired, 1);
  });

  it('a torn put writes nothing and fails as a transient error', async () => {
    const { memory, faults } = harness();
    faults.addFault({ kind: 'torn-put', key: 'data/' });
    await rejectsWithCode(faults.put('data/aa/1', text('half')), 'RepositoryStoreUnavailable');
    assert.equal(await memory.stat('data/aa/1'), undefined);
  });

  it('fails puts with RepositoryStoreFull once they would pass the byte budget, writing nothing', async () => {
    const { memory, faults } = harness();
    faults.addFault({ kind: 'disk-full', afterBytes: 10 });
    await faults.put('a', new Uint8Array(6));
    await faults.put('b', new Uint8Array(4));
    await assert.rejects(faults.put('c', new Uint8Array(1)), (error: unknown) => {
      assert.ok(isArcaError(error) && error.code === 'RepositoryStoreFull');
      assert.equal(error.params.location, 'memory:test');
      return true;
    });
    await faults.put('d', new Uint8Array(0));
    assert.deepEqual(await keysOf(memory.list('')), ['a', 'b', 'd']);
  });

  it('with afterCall, lets the call reach the store and then loses the reply', async () => {
    const { memory, faults } = harness();
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['put'], afterCall: true });
    await rejectsWithCode(faults.put('locks/l', text('mine')), 'RepositoryStoreUnavailable');
    assert.deepEqual(await memory.get('locks/l'), text('mine'));
  });

  it('corrupt flips exactly one bit of a stored object', async () => {
    const { memory, faults } = harness();
    await memory.put('packs/p', new Uint8Array([0, 0, 0, 0]));
    await faults.corrupt('packs/p', 2);
    await faults.corrupt('packs/p', 3, 7);
    assert.deepEqual(await memory.get('packs/p'), new Uint8Array([0, 0, 1, 128]));
    await rejectsWithCode(faults.corrupt('packs/p', 4), 'UserErrorInvalidArgument');
    await rejectsWithCode(faults.corrupt('packs/p', 0, 8), 'UserErrorInvalidArgument');
    await rejectsWithCode(faults.corrupt('packs/missing', 0), 'RepositoryBlobNotFound');
    assert.deepEqual(faults.calls, { put: 0, get: 0, stat: 0, list: 0, delete: 0, create: 0, write: 0, commit: 0 });
  });

  it('applies fail rules to a writer\'s create, write and commit, and counts each call', async () => {
    const { memory, faults } = harness();
    faults.addFault({ kind: 'fail', code: 'RepositoryPermissionDenied', operations: ['create'], key: 'index/' });
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['commit'], nth: 1 });
    await rejectsWithCode(faults.create('index/i1'), 'RepositoryPermissionDenied');
    const writer = await faults.create('packs/p');
    await writer.write(text('pa'));
    await writer.write(text('ck'));
    await rejectsWithCode(writer.commit(), 'RepositoryStoreUnavailable');
    assert.equal(writer.state, 'committing', 'a transient commit failure leaves the bytes for another try');
    assert.equal(await memory.stat('packs/p'), undefined);
    await writer.commit();
    assert.deepEqual(await memory.get('packs/p'), text('pack'));
    assert.deepEqual(faults.calls, { put: 0, get: 0, stat: 0, list: 0, delete: 0, create: 2, write: 2, commit: 2 });
  });

  it('aborts a writer whose write fails, before or after the bytes reach the store: nothing is visible', async () => {
    for (const afterCall of [false, true]) {
      const { memory, faults } = harness();
      faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['write'], nth: 2, afterCall });
      const writer = await faults.create('packs/p');
      await writer.write(text('one'));
      await rejectsWithCode(writer.write(text('two')), 'RepositoryStoreUnavailable');
      assert.equal(writer.state, 'aborted');
      await rejectsWithCode(writer.write(text('three')), 'UserErrorInvalidArgument');
      assert.deepEqual(await keysOf(memory.list('')), []);
    }
  });

  it('tears a writer at commit: a transient failure, the writer aborted and nothing visible', async () => {
    const { memory, faults } = harness();
    const torn = faults.addFault({ kind: 'torn-put', key: 'packs/' });
    const writer = await faults.create('packs/p');
    await writer.write(text('half'));
    await rejectsWithCode(writer.commit(), 'RepositoryStoreUnavailable');
    assert.deepEqual([writer.state, torn.fired], ['aborted', 1]);
    assert.equal(await memory.stat('packs/p'), undefined);
  });

  it('counts the bytes of writes and puts against one disk-full budget, and aborts the writer that passes it', async () => {
    const { memory, faults } = harness();
    faults.addFault({ kind: 'disk-full', afterBytes: 10 });
    await faults.put('a', new Uint8Array(4));
    const writer = await faults.create('b');
    await writer.write(new Uint8Array(3));
    await writer.write(new Uint8Array(3));
    await rejectsWithCode(writer.write(new Uint8Array(1)), 'RepositoryStoreFull');
    assert.equal(writer.state, 'aborted');
    await rejectsWithCode(faults.put('c', new Uint8Array(1)), 'RepositoryStoreFull');
    assert.deepEqual(await keysOf(memory.list('')), ['a']);
  });

  it('with afterCall on commit, places the object and then loses the reply', async () => {
    const { memory, faults } = harness();
    faults.addFault({ kind: 'fail', code: 'RepositoryStoreUnavailable', operations: ['commit'], afterCall: true, once: true });
    const writer = await faults.create('locks/l');
    await writer.write(text('mine'));
    await rejectsWithCode(writer.commit(), 'RepositoryStoreUnavailable');
    assert.deepEqual(await memory.get('locks/l'), text('mine'));
    await writer.commit();
    assert.equal(writer.state, 'committed');
  });

  it('refuses rules with a call number or byte budget that cannot be', () => {
    const { faults } = harness();
    assert.throws(() => faults.addFault({ kind: 'fail', code: 'RepositoryStoreFull', nth: 0 }), { code: 'UserErrorInvalidArgument' });
    assert.throws(() => faults.addFault({ kind: 'disk-full', afterBytes: -1 }), { code: 'UserErrorInvalidArgument' });
  });
});
