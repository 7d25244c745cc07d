import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { systemClock } from '../../platform/system-clock.ts';
import { MemoryBlobStore } from '../blob/memory-blob-store.ts';
import { TEST_PASSPHRASE, TEST_SCRYPT } from '../testing/fixtures.ts';
import { Repository } from './repository.ts';

const rejectsWith = (promise: Promise<unknown>, code: string) =>
  assert.rejects(promise, (error: unknown) => isArcaError(error) && error.code === code);

describe('a repository opened from derived keys', () => {
  it('reads the config and opens what the passphrase holder sealed, and the reverse', async () => {
    const store = new MemoryBlobStore();
    const owner = await Repository.init(store, { passphrase: TEST_PASSPHRASE, clock: systemClock, scrypt: TEST_SCRYPT });
    const machine = await Repository.fromKeys(store, { keys: owner.keys, clock: systemClock });
    assert.deepEqual(machine.config, owner.config);
    await owner.saveObject('points/a', { by: 'owner' });
    await machine.saveObject('points/b', { by: 'machine' });
    assert.deepEqual(await machine.loadObject('points/a'), { by: 'owner' });
    assert.deepEqual(await owner.loadObject('points/b'), { by: 'machine' });
  });

  it('cannot add a key file: it has no master key to wrap', async () => {
    const store = new MemoryBlobStore();
    const owner = await Repository.init(store, { passphrase: TEST_PASSPHRASE, clock: systemClock, scrypt: TEST_SCRYPT });
    const machine = await Repository.fromKeys(store, { keys: owner.keys, clock: systemClock });
    await rejectsWith(machine.addKey('a passphrase of my own', TEST_SCRYPT), 'UserErrorInvalidArgument');
    assert.equal((await owner.listKeys()).length, 1);
  });

  it('refuses the keys of another repository, and says RepositoryNotFound for an empty store', async () => {
    const store = new MemoryBlobStore();
    await Repository.init(store, { passphrase: TEST_PASSPHRASE, clock: systemClock, scrypt: TEST_SCRYPT });
    const other = await Repository.init(new MemoryBlobStore(), { passphrase: TEST_PASSPHRASE, clock: systemClock, scrypt: TEST_SCRYPT });
    await rejectsWith(Repository.fromKeys(store, { keys: other.keys, clock: systemClock }), 'RepositoryMetadataCorrupt');
    await rejectsWith(Repository.fromKeys(new MemoryBlobStore(), { keys: other.keys, clock: systemClock }), 'RepositoryNotFound');
  });
});
