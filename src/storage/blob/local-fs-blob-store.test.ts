import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { keysOf, MiB, rejectsWithCode, text } from './conformance-helpers.ts';
import { LocalFsBlobStore, TEMPORARY_FOLDER } from './local-fs-blob-store.ts';
import { killMidWrite } from './testdata/kill-mid-write.ts';

let scratch = '';
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'arca-localfs-'));
});
after(() => rm(scratch, { recursive: true, force: true }));

async function freshStore(name: string): Promise<LocalFsBlobStore> {
  return new LocalFsBlobStore(join(scratch, name));
}

async function temporaryFiles(store: LocalFsBlobStore): Promise<string[]> {
  return readdir(join(store.location, TEMPORARY_FOLDER)).catch(() => []);
}

describe('LocalFsBlobStore on a real file system', () => {
  it('keeps each key as a file at the path it spells, and leaves no temporary file behind', async () => {
    const store = await freshStore('layout');
    await store.put('data/3f/3f9a', text('chunk'));
    await store.put('locks/l1', text('lock'), { ifNotExists: true });
    await rejectsWithCode(store.put('locks/l1', text('other'), { ifNotExists: true }), 'RepositoryBlobExists');
    assert.equal((await stat(join(store.location, 'data', '3f', '3f9a'))).size, 5);
    assert.deepEqual(await temporaryFiles(store), []);
  });

  it('lists only valid keys: files put there by hand under other names and symbolic links are ignored', async () => {
    const store = await freshStore('strays');
    await store.put('data/aa/1', text('1'));
    await writeFile(join(store.location, 'README.TXT'), 'not a key');
    await writeFile(join(store.location, 'data', 'aa', 'copy~'), 'editor backup');
    await mkdir(join(store.location, 'Trash'));
    await writeFile(join(store.location, 'Trash', 'x'), 'x');
    await symlink('/etc', join(store.location, 'etc'));
    await writeFile(join(store.location, TEMPORARY_FOLDER, 'abc.tmp'), 'a killed writer');
    assert.deepEqual(await keysOf(store.list('')), ['data/aa/1']);
  });

  it('refuses a key that needs an existing object as its folder, and the reverse', async () => {
    const store = await freshStore('collide');
    await store.put('a/b', text('x'));
    await rejectsWithCode(store.put('a/b/c', text('y')), 'UserErrorInvalidArgument');
    await rejectsWithCode(store.put('a', text('y')), 'UserErrorInvalidArgument');
    await rejectsWithCode(store.get('a'), 'RepositoryBlobNotFound');
    await rejectsWithCode(store.get('a/b/c'), 'RepositoryBlobNotFound');
    assert.equal(await store.stat('a'), undefined);
    await store.delete('a');
    assert.deepEqual(await keysOf(store.list('')), ['a/b']);
    assert.deepEqual(await temporaryFiles(store), []);
  });

  it('cleanTemporary removes temporary files older than the given time and keeps newer ones', async () => {
    const store = await freshStore('sweep');
    await store.put('data/aa/1', text('1'));
    const folder = join(store.location, TEMPORARY_FOLDER);
    await writeFile(join(folder, 'old.tmp'), 'left by a killed writer');
    await writeFile(join(folder, 'new.tmp'), 'a put still running');
    await utimes(join(folder, 'old.tmp'), new Date('2025-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'));
    await utimes(join(folder, 'new.tmp'), new Date('2025-01-03T00:00:00Z'), new Date('2025-01-03T00:00:00Z'));
    assert.equal(await store.cleanTemporary(new Date('2025-01-02T00:00:00Z')), 1);
    assert.deepEqual(await readdir(folder), ['new.tmp']);
    assert.deepEqual(await keysOf(store.list('')), ['data/aa/1']);
    assert.equal(await new LocalFsBlobStore(join(scratch, 'never-used')).cleanTemporary(new Date('2025-01-02T00:00:00Z')), 0);
  });

  it('a writer killed mid-put leaves only a temporary file, which list ignores and cleanTemporary removes', async () => {
    const store = await freshStore('killed');
    await store.put('data/00/before', text('older object'));
    await killMidWrite([store.location, 'data/7f/big', String(8 * MiB)]);

    assert.deepEqual(await keysOf(store.list('')), ['data/00/before']);
    assert.equal(await store.stat('data/7f/big'), undefined);
    await rejectsWithCode(store.get('data/7f/big'), 'RepositoryBlobNotFound');
    const [leftover, ...others] = await temporaryFiles(store);
    assert.ok(leftover !== undefined && others.length === 0, 'exactly one temporary file is left');
    const info = await stat(join(store.location, TEMPORARY_FOLDER, leftover));
    assert.ok(info.size > 0 && info.size < 8 * MiB, `the temporary file holds part of the blob (${info.size} bytes)`);

    assert.equal(await store.cleanTemporary(info.mtime), 0, 'a file is not older than its own time');
    assert.equal(await store.cleanTemporary(new Date(info.mtime.getTime() + 1)), 1);
    assert.deepEqual(await temporaryFiles(store), []);
    await store.put('data/7f/big', text('written again'));
    assert.deepEqual(await keysOf(store.list('')), ['data/00/before', 'data/7f/big']);
  });
});

describe('LocalFsBlobStore when a call is cut short', () => {
  it('a signal aborted while a put is under way leaves no object and no temporary file', async () => {
    const store = await freshStore('abort');
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const data = new Uint8Array(4 * MiB);
    // The put is opening its temporary file when the abort arrives; the write loop sees it.
    const putting = store.put('data/aa/x', data, { signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(putting, (error: unknown) => error === reason);
    assert.equal(await store.stat('data/aa/x'), undefined);
    assert.deepEqual(await temporaryFiles(store), []);
  });

  it('fails get with RepositoryBlobNotFound, keeping the ENOENT as its cause', async () => {
    const store = await freshStore('missing');
    await assert.rejects(store.get('data/aa/none'), (error: unknown) => {
      assert.ok(isArcaError(error) && error.code === 'RepositoryBlobNotFound');
      assert.equal((error.cause as NodeJS.ErrnoException).code, 'ENOENT');
      return true;
    });
  });
});
