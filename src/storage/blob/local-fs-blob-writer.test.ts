import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it, type TestContext } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import type { BlobWriter } from './blob-store.ts';
import { keysOf, MiB, noise, rejectsWithCode, text } from './conformance-helpers.ts';
import { FaultInjectingBlobStore } from './fault-injecting-blob-store.ts';
import { LocalFsBlobStore, TEMPORARY_FOLDER } from './local-fs-blob-store.ts';
import { RetryingBlobStore } from './retrying-blob-store.ts';
import { killMidWrite } from './testdata/kill-mid-write.ts';

const run = promisify(execFile);

let scratch = '';
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'arca-localfs-writer-'));
});
after(() => rm(scratch, { recursive: true, force: true }));

function freshStore(name: string): LocalFsBlobStore {
  return new LocalFsBlobStore(join(scratch, name));
}

async function temporaryFiles(store: LocalFsBlobStore): Promise<string[]> {
  return readdir(join(store.location, TEMPORARY_FOLDER)).catch(() => []);
}

/** Makes the next fsync of any file fail with EIO, as a failing disk does; gives the real one back after. */
async function failNextSync(): Promise<{ restore: () => void }> {
  const probe = await open(import.meta.filename, 'r');
  const prototype = Object.getPrototypeOf(probe) as { sync: FileHandle['sync'] };
  await probe.close();
  const sync = prototype.sync;
  prototype.sync = async function () {
    prototype.sync = sync;
    throw Object.assign(new Error('EIO: i/o error, fsync (simulated)'), { code: 'EIO' });
  };
  return { restore: () => void (prototype.sync = sync) };
}

describe('LocalFsBlobStore writers on a real file system', () => {
  it('write into one temporary file as data comes, which commit moves into place, leaving none', async () => {
    const store = freshStore('stream');
    for (const ifNotExists of [false, true]) {
      const key = `packs/p-${ifNotExists}`;
      const writer = await store.create(key, { ifNotExists });
      await writer.write(noise(3 * MiB));
      const [temporary, ...others] = await temporaryFiles(store);
      assert.ok(temporary !== undefined && others.length === 0, 'one temporary file per writer');
      assert.equal((await stat(join(store.location, TEMPORARY_FOLDER, temporary))).size, 3 * MiB);
      await writer.write(noise(MiB + 7));
      await writer.commit();
      assert.equal((await stat(join(store.location, 'packs', `p-${ifNotExists}`))).size, 4 * MiB + 7);
      assert.deepEqual(await temporaryFiles(store), []);
    }
  });

  it('leaves no temporary file after an abort or a lost ifNotExists race', async () => {
    const store = freshStore('losers');
    await store.put('locks/l1', text('taken'));
    const loser = await store.create('locks/l1', { ifNotExists: true });
    await loser.write(text('mine'));
    await rejectsWithCode(loser.commit(), 'RepositoryBlobExists');
    const aborted = await store.create('packs/p');
    await aborted.write(noise(1000));
    await aborted.abort();
    assert.deepEqual(await temporaryFiles(store), []);
    assert.deepEqual(await keysOf(store.list('')), ['locks/l1']);
  });

  it('refuses at commit a key that needs an existing object as its folder, as put does', async () => {
    const store = freshStore('collide');
    await store.put('a/b', text('x'));
    const writer = await store.create('a/b/c');
    await writer.write(text('y'));
    await rejectsWithCode(writer.commit(), 'UserErrorInvalidArgument');
    assert.equal(writer.state, 'aborted');
    assert.deepEqual(await temporaryFiles(store), []);
    assert.deepEqual(await keysOf(store.list('')), ['a/b']);
  });

  it('never flushes twice: a failed fsync at commit aborts the writer with a transient error that is not retried', async () => {
    const faults = new FaultInjectingBlobStore(freshStore('fsync'));
    const store = new RetryingBlobStore(faults, { sleep: async () => undefined });
    const writer = await store.create('packs/p');
    await writer.write(noise(1000));
    const { restore } = await failNextSync();
    try {
      await assert.rejects(writer.commit(), (error: unknown) => {
        assert.ok(isArcaError(error) && error.code === 'RepositoryStoreUnavailable', String(error));
        assert.equal((error.cause as NodeJS.ErrnoException).code, 'EIO');
        return true;
      });
    } finally {
      restore();
    }
    assert.equal(writer.state, 'aborted');
    assert.equal(faults.calls.commit, 1);
    assert.equal(await store.stat('packs/p'), undefined);
    assert.deepEqual(await temporaryFiles(freshStore('fsync')), []);
  });

  it('ENOSPC during a write surfaces as RepositoryStoreFull and leaves nothing', async (t: TestContext) => {
    const root = await mkdtemp(join(tmpdir(), 'arca-writer-full-'));
    const mounted = process.getuid?.() === 0 && (await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', root]).then(() => true, () => false));
    if (!mounted) {
      await rm(root, { recursive: true, force: true });
      return t.skip('a small tmpfs needs root and mount(8)');
    }
    let started: BlobWriter | undefined;
    try {
      const store = new LocalFsBlobStore(root);
      const writer = await store.create('packs/big');
      started = writer;
      const writing = (async () => {
        for (let piece = 0; piece < 8; piece += 1) await writer.write(new Uint8Array(256 * 1024));
      })();
      await assert.rejects(writing, (error: unknown) => {
        assert.ok(isArcaError(error) && error.code === 'RepositoryStoreFull', String(error));
        assert.equal(error.params.location, root);
        return true;
      });
      assert.equal(writer.state, 'aborted');
      assert.deepEqual(await temporaryFiles(store), []);
      assert.deepEqual(await keysOf(store.list('')), []);
    } finally {
      // A writer left open (when an assertion fails) would keep the mount busy.
      await started?.abort();
      await run('umount', [root]);
      await rm(root, { recursive: true, force: true });
    }
  });

  it('a writer killed mid-writes leaves no object, only a temporary file with what it wrote, which cleanTemporary removes', async () => {
    const store = freshStore('killed');
    await store.put('data/00/before', text('older object'));
    // 8 writes of 1 MiB planned; the child stops for good once its third has reached the file.
    await killMidWrite([store.location, 'data/7f/streamed', String(8 * MiB), 'writer', '3']);

    assert.deepEqual(await keysOf(store.list('')), ['data/00/before']);
    await rejectsWithCode(store.get('data/7f/streamed'), 'RepositoryBlobNotFound');
    const [leftover, ...others] = await temporaryFiles(store);
    assert.ok(leftover !== undefined && others.length === 0, 'exactly one temporary file is left');
    const info = await stat(join(store.location, TEMPORARY_FOLDER, leftover));
    assert.equal(info.size, 3 * MiB, 'the temporary file holds the three writes that were made');

    assert.equal(await store.cleanTemporary(info.mtime), 0, 'a file is not older than its own time');
    assert.equal(await store.cleanTemporary(new Date(info.mtime.getTime() + 1)), 1);
    assert.deepEqual(await temporaryFiles(store), []);
    const again = await store.create('data/7f/streamed');
    await again.write(text('written again'));
    await again.commit();
    assert.deepEqual(await keysOf(store.list('')), ['data/00/before', 'data/7f/streamed']);
  });
});
