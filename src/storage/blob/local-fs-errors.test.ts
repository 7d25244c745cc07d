import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it, type TestContext } from 'node:test';
import { isArcaError, type CatalogCode } from '../../core/errors/index.ts';
import { collect, keysOf, MiB, text } from './conformance-helpers.ts';
import { FaultInjectingBlobStore } from './fault-injecting-blob-store.ts';
import { LocalFsBlobStore, TEMPORARY_FOLDER } from './local-fs-blob-store.ts';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** Runs a system command; false when it is missing or fails (no privilege, no support). */
async function tried(command: string, args: string[]): Promise<boolean> {
  return run(command, args).then(() => true, () => false);
}

/** Asserts an ArcaError of `code` whose cause is the file-system error `errno`. */
function failsWith(code: CatalogCode, errno: string) {
  return (error: unknown) => {
    assert.ok(isArcaError(error), String(error));
    assert.equal(error.code, code, error.message);
    assert.equal((error.cause as NodeJS.ErrnoException | undefined)?.code, errno);
    return true;
  };
}

async function temporaryFiles(store: LocalFsBlobStore): Promise<string[]> {
  return readdir(join(store.location, TEMPORARY_FOLDER)).catch(() => []);
}

let scratch = '';
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'arca-localfs-errors-'));
});
after(() => rm(scratch, { recursive: true, force: true }));

async function seeded(name: string): Promise<LocalFsBlobStore> {
  const store = new LocalFsBlobStore(join(scratch, name));
  await store.put('data/aa/1', text('present'));
  return store;
}

describe('LocalFsBlobStore errors from a real file system', () => {
  it('ENOSPC surfaces as RepositoryStoreFull naming the location, and the failed put leaves nothing', async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'arca-full-'));
    const mounted = isRoot && (await tried('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', root]));
    try {
      if (mounted) {
        const store = new LocalFsBlobStore(root);
        await assert.rejects(store.put('packs/big', new Uint8Array(2 * MiB)), failsWith('RepositoryStoreFull', 'ENOSPC'));
        await assert.rejects(store.put('packs/big', new Uint8Array(2 * MiB)), (error: unknown) => isArcaError(error) && error.params.location === root);
        assert.deepEqual(await keysOf(store.list('')), []);
        assert.deepEqual(await temporaryFiles(store), []);
        await store.put('packs/small', text('still fits'));
      } else {
        t.diagnostic('no tmpfs can be mounted here (needs root): the fault injector produces the error instead');
        const faults = new FaultInjectingBlobStore(new LocalFsBlobStore(root));
        faults.addFault({ kind: 'disk-full', afterBytes: MiB });
        await assert.rejects(faults.put('packs/big', new Uint8Array(2 * MiB)), { code: 'RepositoryStoreFull' });
        assert.deepEqual(await keysOf(faults.list('')), []);
      }
    } finally {
      if (mounted) await run('umount', [root]);
      await rm(root, { recursive: true, force: true });
    }
  });

  it('EACCES surfaces as RepositoryPermissionDenied for every call', async () => {
    const store = await seeded('eacces');
    // As root, drop to nobody for the calls (the scratch folder is root's, mode 0700); otherwise
    // take write and search permission from the store's folder.
    const deny = isRoot ? () => process.seteuid?.(NOBODY) : () => run('chmod', ['000', store.location]);
    const allow = isRoot ? () => process.seteuid?.(0) : () => run('chmod', ['755', store.location]);
    await deny();
    try {
      const denied = failsWith('RepositoryPermissionDenied', 'EACCES');
      await assert.rejects(store.put('data/aa/2', text('new')), denied);
      await assert.rejects(store.get('data/aa/1'), denied);
      await assert.rejects(store.stat('data/aa/1'), denied);
      await assert.rejects(collect(store.list('data/')), denied);
      await assert.rejects(store.delete('data/aa/1'), denied);
    } finally {
      await allow();
    }
    assert.deepEqual(await keysOf(store.list('')), ['data/aa/1']);
  });

  it('EROFS from a read-only mount surfaces as RepositoryPermissionDenied; reads still work', async (t: TestContext) => {
    const store = await seeded('erofs');
    const root = store.location;
    const mounted = isRoot && (await tried('mount', ['--bind', root, root]));
    if (!mounted) return t.skip('a read-only bind mount needs root and mount(8)');
    try {
      if (!(await tried('mount', ['-o', 'remount,bind,ro', root]))) return t.skip('this kernel refuses a read-only remount');
      await assert.rejects(store.put('data/aa/2', text('new')), failsWith('RepositoryPermissionDenied', 'EROFS'));
      await assert.rejects(store.delete('data/aa/1'), failsWith('RepositoryPermissionDenied', 'EROFS'));
      assert.deepEqual(await store.get('data/aa/1'), text('present'));
    } finally {
      await run('umount', [root]);
    }
  });

  it('EPERM from an immutable folder surfaces as RepositoryPermissionDenied and leaves no temporary file', async (t: TestContext) => {
    const store = await seeded('eperm');
    const folder = join(store.location, 'data', 'aa');
    if (!isRoot || !(await tried('chattr', ['+i', folder]))) return t.skip('chattr +i needs root and a file system that supports it');
    try {
      await assert.rejects(store.put('data/aa/2', text('new')), failsWith('RepositoryPermissionDenied', 'EPERM'));
      await assert.rejects(store.delete('data/aa/1'), failsWith('RepositoryPermissionDenied', 'EPERM'));
      assert.deepEqual(await temporaryFiles(store), []);
    } finally {
      await run('chattr', ['-i', folder]);
    }
    assert.deepEqual(await keysOf(store.list('')), ['data/aa/1']);
  });
});
