import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { systemClock } from '../../platform/system-clock.ts';
import { MemoryBlobStore } from '../blob/memory-blob-store.ts';
import { TEST_PASSPHRASE, TEST_SCRYPT } from '../testing/fixtures.ts';
import { Repository } from './repository.ts';

const rejectsWith = (promise: Promise<unknown>, code: string) =>
  assert.rejects(promise, (error: unknown) => isArcaError(error) && error.code === code);

describe('repository keys and config', () => {
  it('opens with the passphrase it was created with and derives the same keys', async () => {
    const store = new MemoryBlobStore();
    const created = await Repository.init(store, { passphrase: TEST_PASSPHRASE, clock: systemClock, scrypt: TEST_SCRYPT });
    const opened = await Repository.open(store, { passphrase: TEST_PASSPHRASE, clock: systemClock });
    assert.deepEqual(opened.config, created.config);
    assert.deepEqual(opened.keys, created.keys);
  });

  it('refuses a wrong passphrase with RepositoryWrongPassphrase', async () => {
    const store = new MemoryBlobStore();
    await Repository.init(store, { passphrase: TEST_PASSPHRASE, clock: systemClock, scrypt: TEST_SCRYPT });
    await rejectsWith(Repository.open(store, { passphrase: 'not it', clock: systemClock }), 'RepositoryWrongPassphrase');
  });

  it('says RepositoryNotFound for an empty store and RepositoryAlreadyExists on a second init', async () => {
    const store = new MemoryBlobStore();
    await rejectsWith(Repository.open(store, { passphrase: TEST_PASSPHRASE, clock: systemClock }), 'RepositoryNotFound');
    await Repository.init(store, { passphrase: TEST_PASSPHRASE, clock: systemClock, scrypt: TEST_SCRYPT });
    await rejectsWith(Repository.init(store, { passphrase: TEST_PASSPHRASE, clock: systemClock, scrypt: TEST_SCRYPT }), 'RepositoryAlreadyExists');
  });

  it('changes the passphrase by adding a key and removing the old one, without touching data', async () => {
    const store = new MemoryBlobStore();
    const repo = await Repository.init(store, { passphrase: 'old phrase', clock: systemClock, scrypt: TEST_SCRYPT });
    await repo.saveObject('points/x', { hello: 'world' });
    const before = await store.get('points/x');
    const [oldKey] = await repo.listKeys();
    await repo.addKey('new phrase', TEST_SCRYPT);
    await repo.removeKey(oldKey?.id ?? '');
    await rejectsWith(Repository.open(store, { passphrase: 'old phrase', clock: systemClock }), 'RepositoryWrongPassphrase');
    const reopened = await Repository.open(store, { passphrase: 'new phrase', clock: systemClock });
    assert.deepEqual(await reopened.loadObject('points/x'), { hello: 'world' });
    assert.deepEqual(await store.get('points/x'), before);
  });

  it('refuses to remove the last key', async () => {
    const repo = await Repository.init(new MemoryBlobStore(), { passphrase: TEST_PASSPHRASE, clock: systemClock, scrypt: TEST_SCRYPT });
    const [only] = await repo.listKeys();
    await rejectsWith(repo.removeKey(only?.id ?? ''), 'UserErrorInvalidArgument');
  });

  it('detects a metadata object moved to another name (bound by its associated data)', async () => {
    const store = new MemoryBlobStore();
    const repo = await Repository.init(store, { passphrase: TEST_PASSPHRASE, clock: systemClock, scrypt: TEST_SCRYPT });
    await repo.saveObject('points/a', { n: 1 });
    await store.put('points/b', await store.get('points/a'));
    await rejectsWith(repo.loadObject('points/b'), 'RepositoryMetadataCorrupt');
  });
});
