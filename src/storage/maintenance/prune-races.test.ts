import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { systemClock } from '../../platform/system-clock.ts';
import { LocalFsBlobStore } from '../blob/local-fs-blob-store.ts';
import { MemoryBlobStore } from '../blob/memory-blob-store.ts';
import { backupImages } from '../backup/image-backup.ts';
import { loadIndex } from '../index/load-index.ts';
import { forgetPoint } from '../points/forget.ts';
import { LAYOUT, nameOf } from '../repository/layout.ts';
import { Repository } from '../repository/repository.ts';
import { restoreImage } from '../restore/image-restore.ts';
import { sha256File, TEST_SCRYPT, testRepository, writeImage } from '../testing/fixtures.ts';
import { holdNextManifest, HookStore } from '../testing/hook-store.ts';
import { pruneRepository } from './prune.ts';
import { rebuildIndex } from './rebuild-index.ts';
import { verifyRepository } from './verify.ts';

async function restoresIdentically(repo: Repository, pool: Parameters<typeof restoreImage>[1]['pool'], point: string, image: string, out: string): Promise<void> {
  await restoreImage(repo, { pointId: point, disk: 0, to: out, pool, force: true });
  assert.equal(await sha256File(out), await sha256File(image));
}

describe('prune against the races found in review', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-races-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('counts the point of a backup that finishes while prune reads the repository', async () => {
    const store = new HookStore(new LocalFsBlobStore(join(dir, 'p1')));
    const { repo, pool } = await testRepository(store);
    try {
      const image = join(dir, 'p1.img');
      await writeImage(image, { size: 1024 * 1024, seed: 1, zeroShare: 0 });
      await forgetPoint(repo, (await backupImages(repo, { paths: [image], pool })).manifest.id);
      const held = holdNextManifest(store);
      const backup = backupImages(repo, { paths: [image], pool, skipUnchanged: false });
      await held.reached;
      // The backup completes just as prune lists the packs, after its marker was seen or not.
      store.beforeList = async (prefix) => {
        if (prefix !== LAYOUT.data) return;
        store.beforeList = undefined;
        held.release();
        await backup;
      };
      await pruneRepository(repo, pool, { graceMs: 0 });
      const { manifest } = await backup;
      assert.deepEqual((await verifyRepository(repo, pool)).problems, []);
      await restoresIdentically(repo, pool, manifest.id, image, join(dir, 'p1.out'));
    } finally {
      await pool.close();
    }
  });

  it('does not reuse an unchanged disk whose chunks sit in packs prune has marked', async () => {
    const store = new HookStore(new LocalFsBlobStore(join(dir, 'p3')));
    const { repo, pool } = await testRepository(store);
    try {
      const whole = join(dir, 'p3-whole.img');
      const part = join(dir, 'p3-part.img');
      await writeImage(whole, { size: 1024 * 1024, seed: 3, zeroShare: 0 });
      await copyFile(whole, part);
      await truncate(part, 15 * 64 * 1024);
      await forgetPoint(repo, (await backupImages(repo, { paths: [whole], pool })).manifest.id);
      let held = holdNextManifest(store);
      const first = backupImages(repo, { paths: [part], pool, skipUnchanged: false });
      await held.reached;
      await pruneRepository(repo, pool, { graceMs: 0 });
      held.release();
      const p1 = (await first).manifest;
      held = holdNextManifest(store);
      const second = backupImages(repo, { paths: [part], pool });
      await held.reached;
      await forgetPoint(repo, p1.id);
      held.release();
      const p2 = (await second).manifest;
      assert.ok(p2.stats.bytesRead > 0, 'the disk was read, not reused');
      await pruneRepository(repo, pool, { graceMs: 0 });
      assert.deepEqual((await verifyRepository(repo, pool)).problems, []);
      await restoresIdentically(repo, pool, p2.id, part, join(dir, 'p3.out'));
    } finally {
      await pool.close();
    }
  });

  it('keeps a pack whose table became unreadable after rebuild-index, and prune does not delete its chunks', async () => {
    const store = new HookStore(new LocalFsBlobStore(join(dir, 'p2')));
    const { repo, pool } = await testRepository(store);
    try {
      const image = join(dir, 'p2.img');
      await writeImage(image, { size: 2 * 1024 * 1024, seed: 2, zeroShare: 0 });
      const { manifest } = await backupImages(repo, { paths: [image], pool });
      const index = await loadIndex(repo);
      const piecePack = index.get(manifest.disks[0]?.refPieces[0] ?? '')?.packId;
      const packs: { name: string; size: number }[] = [];
      for await (const info of store.list(LAYOUT.data)) packs.push({ name: nameOf(info.key), size: info.size });
      const victim = packs.find((p) => p.name !== piecePack);
      assert.ok(victim);
      await store.corrupt(`data/${victim.name.slice(0, 2)}/${victim.name}`, victim.size - 1, 0);
      const rebuilt = await rebuildIndex(repo);
      assert.equal(rebuilt.unreadable.length, 1);
      await pruneRepository(repo, pool, { graceMs: 0 });
      await restoresIdentically(repo, pool, manifest.id, image, join(dir, 'p2.out'));
    } finally {
      await pool.close();
    }
  });

  it('ignores an index file put back after its packs were pruned', async () => {
    const store = new LocalFsBlobStore(join(dir, 'p6'));
    const { repo, pool } = await testRepository(store);
    try {
      const image = join(dir, 'p6.img');
      await writeImage(image, { size: 1024 * 1024, seed: 6, zeroShare: 0 });
      const first = await backupImages(repo, { paths: [image], pool });
      const saved: [string, Uint8Array][] = [];
      for await (const info of store.list(LAYOUT.index)) saved.push([info.key, await store.get(info.key)]);
      await forgetPoint(repo, first.manifest.id);
      assert.ok((await pruneRepository(repo, pool, { graceMs: 0 })).packsDeleted > 0);
      for (const [key, bytes] of saved) await store.put(key, bytes);
      const second = await backupImages(repo, { paths: [image], pool, skipUnchanged: false });
      assert.ok(second.packsStored > 0, 'the chunks were stored again');
      await restoresIdentically(repo, pool, second.manifest.id, image, join(dir, 'p6.out'));
    } finally {
      await pool.close();
    }
  });

  it('leaves one openable repository when two inits race, and skips junk in keys/', async () => {
    for (let i = 0; i < 5; i++) {
      const store = new MemoryBlobStore();
      const outcomes = await Promise.allSettled([0, 1].map(() => Repository.init(store, { passphrase: 'same', clock: systemClock, scrypt: TEST_SCRYPT })));
      const losers = outcomes.filter((o) => o.status === 'rejected');
      assert.equal(losers.length, 1);
      assert.ok(isArcaError(losers[0]?.reason) && losers[0].reason.code === 'RepositoryAlreadyExists');
      await store.put('keys/0000000000000000', new TextEncoder().encode('not a key file'));
      await Repository.open(store, { passphrase: 'same', clock: systemClock });
    }
  });
});
