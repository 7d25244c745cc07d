import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import type { BlobStore } from '../blob/blob-store.ts';
import { FaultInjectingBlobStore } from '../blob/fault-injecting-blob-store.ts';
import { LocalFsBlobStore } from '../blob/local-fs-blob-store.ts';
import { backupImages } from '../backup/image-backup.ts';
import { forgetPoint } from '../points/forget.ts';
import { LAYOUT, nameOf } from '../repository/layout.ts';
import { Repository } from '../repository/repository.ts';
import { restoreImage } from '../restore/image-restore.ts';
import { sha256File, TEST_PASSPHRASE, testRepository, writeImage } from '../testing/fixtures.ts';
import { holdNextManifest, HookStore } from '../testing/hook-store.ts';
import { ChunkWorkerPool } from '../workers/worker-pool.ts';
import { pruneRepository } from './prune.ts';
import { rebuildIndex } from './rebuild-index.ts';
import { verifyRepository } from './verify.ts';

async function packNames(store: BlobStore): Promise<string[]> {
  const names: string[] = [];
  for await (const info of store.list(LAYOUT.data)) names.push(nameOf(info.key));
  return names;
}

describe('verify and prune', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-maint-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('catches one flipped bit in a pack and names the pack and the points that need it', async () => {
    const store = new FaultInjectingBlobStore(new LocalFsBlobStore(join(dir, 'flip')));
    const { repo, pool } = await testRepository(store);
    try {
      const image = join(dir, 'flip.img');
      await writeImage(image, { size: 1024 * 1024, seed: 71, zeroShare: 0 });
      const { manifest } = await backupImages(repo, { paths: [image], pool });
      assert.deepEqual((await verifyRepository(repo, pool)).problems, []);
      const [pack] = await packNames(store);
      await store.corrupt(`data/${pack?.slice(0, 2)}/${pack}`, 100, 3);
      const report = await verifyRepository(repo, pool);
      assert.equal(report.problems.length, 1);
      const [problem] = report.problems;
      assert.equal(problem?.code, 'RepositoryDataCorrupt');
      assert.equal(problem?.pack, pack);
      assert.deepEqual(problem?.points, [manifest.id]);
    } finally {
      await pool.close();
    }
  });

  it('reports a deleted pack as missing data for the points that need it, and rebuilds the index from the packs left', async () => {
    const store = new LocalFsBlobStore(join(dir, 'lost'));
    const { repo, pool } = await testRepository(store);
    try {
      const image = join(dir, 'lost.img');
      await writeImage(image, { size: 1024 * 1024, seed: 72, zeroShare: 0 });
      const { manifest } = await backupImages(repo, { paths: [image], pool });
      const [pack] = await packNames(store);
      await store.delete(`data/${pack?.slice(0, 2)}/${pack}`);
      const report = await verifyRepository(repo, pool);
      assert.ok(report.problems.some((p) => p.code === 'RepositoryBlobNotFound' && p.pack === pack && p.points.includes(manifest.id)));
      const rebuilt = await rebuildIndex(repo);
      assert.equal(rebuilt.unreadable.length, 0);
      const afterRebuild = await verifyRepository(repo, pool);
      assert.ok(afterRebuild.problems.length > 0 && afterRebuild.problems.every((p) => p.code === 'RepositoryChunkMissing' || p.code === 'RepositoryDataCorrupt'));
    } finally {
      await pool.close();
    }
  });

  it('samples a share of the packs with --read-data-subset', async () => {
    const store = new LocalFsBlobStore(join(dir, 'subset'));
    const { repo, pool } = await testRepository(store);
    try {
      const image = join(dir, 'subset.img');
      await writeImage(image, { size: 4 * 1024 * 1024, seed: 73, zeroShare: 0, textShare: 0 });
      await backupImages(repo, { paths: [image], pool });
      const report = await verifyRepository(repo, pool, { readDataSubset: 25 });
      assert.ok(report.packsTotal >= 8);
      assert.equal(report.packsChecked, Math.ceil(report.packsTotal / 4));
    } finally {
      await pool.close();
    }
  });

  it('frees the data of forgotten points and keeps what remaining points share', async () => {
    const store = new LocalFsBlobStore(join(dir, 'forget'));
    const { repo, pool } = await testRepository(store);
    try {
      const a = join(dir, 'keep.img');
      const b = join(dir, 'drop.img');
      await writeImage(a, { size: 1024 * 1024, seed: 74, zeroShare: 0 });
      await writeImage(b, { size: 1024 * 1024, seed: 75, zeroShare: 0 });
      const kept = await backupImages(repo, { paths: [a], pool });
      const dropped = await backupImages(repo, { paths: [b], pool });
      const packCount = (await packNames(store)).length;
      await forgetPoint(repo, dropped.manifest.id);
      const report = await pruneRepository(repo, pool, { graceMs: 0 });
      assert.ok(report.packsDeleted > 0, 'unused packs were deleted');
      assert.equal((await packNames(store)).length, packCount - report.packsDeleted);
      assert.deepEqual((await verifyRepository(repo, pool)).problems, []);
      const out = join(dir, 'keep.out');
      await restoreImage(repo, { pointId: kept.manifest.id, disk: 0, to: out, pool });
      assert.equal(await sha256File(out), await sha256File(a));
    } finally {
      await pool.close();
    }
  });

  it('never deletes packs a running backup has written but not yet referenced', async () => {
    const gated = new HookStore(new LocalFsBlobStore(join(dir, 'running')));
    let held = { reached: Promise.resolve(), release: () => undefined as void };
    const { repo, pool } = await testRepository(gated);
    try {
      const image = join(dir, 'running.img');
      await writeImage(image, { size: 2 * 1024 * 1024, seed: 76, zeroShare: 0 });
      held = holdNextManifest(gated);
      const backup = backupImages(repo, { paths: [image], pool });
      await held.reached;
      const packs = await packNames(gated);
      assert.ok(packs.length > 0, 'the paused backup has stored packs');
      const report = await pruneRepository(repo, pool, { graceMs: 0 });
      assert.equal(report.packsDeleted, 0);
      assert.deepEqual(await packNames(gated), packs);
      held.release();
      const { manifest } = await backup;
      assert.deepEqual((await verifyRepository(repo, pool)).problems, []);
      const out = join(dir, 'running.out');
      await restoreImage(repo, { pointId: manifest.id, disk: 0, to: out, pool });
      assert.equal(await sha256File(out), await sha256File(image));
    } finally {
      held.release();
      await pool.close();
    }
  });

  it('waits for backups that started before a mark, and keeps a marked pack that became needed again', async () => {
    const gated = new HookStore(new LocalFsBlobStore(join(dir, 'marked')));
    let held = { reached: Promise.resolve(), release: () => undefined as void };
    const { repo, pool } = await testRepository(gated);
    try {
      const image = join(dir, 'marked.img');
      await writeImage(image, { size: 1024 * 1024, seed: 77, zeroShare: 0 });
      const first = await backupImages(repo, { paths: [image], pool });
      await forgetPoint(repo, first.manifest.id);
      held = holdNextManifest(gated);
      // Same data again: this backup dedups against the packs prune is about to mark.
      const second = backupImages(repo, { paths: [image], pool, skipUnchanged: false });
      await held.reached;
      const report = await pruneRepository(repo, pool, { graceMs: 0 });
      assert.ok(report.packsMarked > 0);
      assert.equal(report.packsDeleted, 0);
      assert.equal(report.waiting.length, 1);
      held.release();
      const { manifest } = await second;
      const later = await pruneRepository(repo, pool, { graceMs: 0 });
      assert.equal(later.waiting.length, 0);
      assert.equal(later.packsDeleted, 0, 'the packs are needed again by the new point');
      assert.deepEqual((await verifyRepository(repo, pool)).problems, []);
      const out = join(dir, 'marked.out');
      await restoreImage(repo, { pointId: manifest.id, disk: 0, to: out, pool });
      assert.equal(await sha256File(out), await sha256File(image));
    } finally {
      held.release();
      await pool.close();
    }
  });

  it('runs several backups at once, from separate repository handles, while prune runs, and loses nothing', async () => {
    const root = join(dir, 'concurrent');
    const { repo: first, pool: firstPool } = await testRepository(new LocalFsBlobStore(root));
    await firstPool.close();
    const handles = await Promise.all(
      [0, 1, 2].map(async () => {
        const repo = await Repository.open(new LocalFsBlobStore(root), { passphrase: TEST_PASSPHRASE, clock: first.clock });
        return { repo, pool: new ChunkWorkerPool(repo.keys, repo.config.zstdLevel, 1) };
      }),
    );
    try {
      const images = await Promise.all(
        [0, 1, 2].map(async (n) => {
          const path = join(dir, `concurrent-${n}.img`);
          // Images 0 and 1 share their first half, so the backups race to store the same chunks.
          await writeImage(path, { size: 2 * 1024 * 1024, seed: n === 1 ? 80 : 80 + n, zeroShare: 0.1 });
          return path;
        }),
      );
      const old = await backupImages(handles[0]!.repo, { paths: [images[2] as string], pool: handles[0]!.pool });
      await forgetPoint(handles[0]!.repo, old.manifest.id);
      const backups = handles.map(({ repo, pool }, n) => backupImages(repo, { paths: [images[n] as string], pool, skipUnchanged: false }));
      const prunes = Promise.allSettled([pruneRepository(handles[0]!.repo, handles[0]!.pool, { graceMs: 0 }), pruneRepository(handles[1]!.repo, handles[1]!.pool, { graceMs: 0 })]);
      const results = await Promise.all(backups);
      // Two prunes at once: one runs, the other is refused while the first holds the lease.
      for (const outcome of await prunes) {
        if (outcome.status === 'rejected') assert.ok(isArcaError(outcome.reason) && outcome.reason.code === 'RepositoryPruneRunning', String(outcome.reason));
      }
      await pruneRepository(handles[2]!.repo, handles[2]!.pool, { graceMs: 0 });
      assert.deepEqual((await verifyRepository(handles[2]!.repo, handles[2]!.pool)).problems, []);
      for (const [n, { manifest }] of results.entries()) {
        const out = join(dir, `concurrent-${n}.out`);
        await restoreImage(handles[2]!.repo, { pointId: manifest.id, disk: 0, to: out, pool: handles[2]!.pool });
        assert.equal(await sha256File(out), await sha256File(images[n] as string));
      }
    } finally {
      await Promise.all(handles.map((h) => h.pool.close()));
    }
  });
});
