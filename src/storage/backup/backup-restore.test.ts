import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { FaultInjectingBlobStore } from '../blob/fault-injecting-blob-store.ts';
import { LocalFsBlobStore } from '../blob/local-fs-blob-store.ts';
import { verifyRepository } from '../maintenance/verify.ts';
import { restoreImage } from '../restore/image-restore.ts';
import { mutateImage, sha256File, testRepository, writeImage } from '../testing/fixtures.ts';
import type { Repository } from '../repository/repository.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';
import { backupImages } from './image-backup.ts';

describe('image backup and restore (local store, real files)', () => {
  let dir: string;
  let repo: Repository;
  let pool: ChunkWorkerPool;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-backup-'));
    ({ repo, pool } = await testRepository(new LocalFsBlobStore(join(dir, 'repo'))));
  });
  after(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  const roundTrips = [
    { name: 'a sparse image (half holes) whose size is not a multiple of the chunk size', shape: { size: 3 * 1024 * 1024 + 12345, seed: 1, zeroShare: 0.5 } },
    { name: 'a dense image of random data', shape: { size: 2 * 1024 * 1024, seed: 2, zeroShare: 0, textShare: 0 } },
    { name: 'an image of compressible text', shape: { size: 2 * 1024 * 1024, seed: 3, zeroShare: 0, textShare: 1 } },
    { name: 'an image that is all holes', shape: { size: 1024 * 1024, seed: 4, zeroShare: 1 } },
    { name: 'an empty image', shape: { size: 0, seed: 5 } },
  ];
  for (const { name, shape } of roundTrips) {
    it(`restores ${name} byte for byte`, async () => {
      const image = join(dir, `rt-${shape.seed}.img`);
      await writeImage(image, shape);
      const { manifest } = await backupImages(repo, { paths: [image], pool });
      const target = join(dir, `rt-${shape.seed}.out`);
      await restoreImage(repo, { pointId: manifest.id, disk: 0, to: target, pool });
      assert.equal(await sha256File(target), await sha256File(image));
      assert.equal((await stat(target)).size, shape.size);
    });
  }

  it('leaves one index file per backup, however many packs it stored', async () => {
    const { repo: fresh, pool: freshPool } = await testRepository(new LocalFsBlobStore(join(dir, 'one-index')));
    try {
      const image = join(dir, 'many-packs.img');
      await writeImage(image, { size: 3 * 1024 * 1024, seed: 12, zeroShare: 0, textShare: 0 });
      const { packsStored } = await backupImages(fresh, { paths: [image], pool: freshPool });
      assert.ok(packsStored > 4, `stored ${packsStored} packs`);
      const indexFiles = [];
      for await (const info of fresh.store.list('index/')) indexFiles.push(info.key);
      assert.equal(indexFiles.length, 1);
    } finally {
      await freshPool.close();
    }
  });

  it('restores holes as holes: the restored file allocates no more than the source', async () => {
    const image = join(dir, 'sparse.img');
    await writeImage(image, { size: 4 * 1024 * 1024, seed: 11, zeroShare: 0.7 });
    const { manifest } = await backupImages(repo, { paths: [image], pool });
    const target = join(dir, 'sparse.out');
    await restoreImage(repo, { pointId: manifest.id, disk: 0, to: target, pool });
    // Out-of-order writes may cost the file system an extra extent block or two; holes would cost MiBs.
    const [restored, source] = [(await stat(target)).blocks * 512, (await stat(image)).blocks * 512];
    assert.ok(restored <= source + 64 * 1024, `restored file allocates ${restored} bytes, the source ${source}`);
    assert.ok(restored < 0.5 * 4 * 1024 * 1024, 'most of the image stayed holes');
    assert.ok(manifest.disks[0] && manifest.disks[0].zeroChunks > 0);
  });

  it('backs up several disks as one point and restores each by its number', async () => {
    const disks = [join(dir, 'os.img'), join(dir, 'data.img')];
    await writeImage(disks[0] as string, { size: 1024 * 1024, seed: 21 });
    await writeImage(disks[1] as string, { size: 1536 * 1024, seed: 22 });
    const { manifest } = await backupImages(repo, { paths: disks, pool, metadata: { vm: 'web-1' } });
    assert.deepEqual(manifest.disks.map((d) => d.name), ['os.img', 'data.img']);
    for (const [n, path] of disks.entries()) {
      const target = join(dir, `multi-${n}.out`);
      await restoreImage(repo, { pointId: manifest.id, disk: n, to: target, pool });
      assert.equal(await sha256File(target), await sha256File(path));
    }
    await assert.rejects(restoreImage(repo, { pointId: manifest.id, disk: 2, to: join(dir, 'x'), pool }), (e: unknown) => isArcaError(e) && e.code === 'RepositoryDiskNotInPoint');
  });

  it('skips an unchanged image without reading it and stores only changed chunks after a rewrite', async () => {
    const image = join(dir, 'incr.img');
    await writeImage(image, { size: 4 * 1024 * 1024, seed: 31, zeroShare: 0.2 });
    const first = await backupImages(repo, { paths: [image], pool });
    const second = await backupImages(repo, { paths: [image], pool });
    assert.equal(second.manifest.stats.bytesRead, 0, 'unchanged file is not read');
    assert.deepEqual(second.manifest.disks[0]?.refPieces, first.manifest.disks[0]?.refPieces);

    await mutateImage(image, 32, 2, 16 * 1024);
    const third = await backupImages(repo, { paths: [image], pool });
    assert.equal(third.manifest.stats.bytesRead, 4 * 1024 * 1024);
    assert.ok(third.manifest.stats.bytesNew <= 4 * 64 * 1024, `only the touched chunks are new (${third.manifest.stats.bytesNew})`);
    const target = join(dir, 'incr.out');
    await restoreImage(repo, { pointId: third.manifest.id, disk: 0, to: target, pool });
    assert.equal(await sha256File(target), await sha256File(image));
  });

  it('reads an image again when only its mtime changed, and finds nothing new', async () => {
    const image = join(dir, 'touched.img');
    await writeImage(image, { size: 1024 * 1024, seed: 41 });
    await backupImages(repo, { paths: [image], pool });
    await utimes(image, new Date(), new Date(Date.now() + 5000));
    const again = await backupImages(repo, { paths: [image], pool });
    assert.equal(again.manifest.stats.bytesRead, 1024 * 1024);
    assert.equal(again.manifest.stats.bytesNew, 0);
  });

  it('refuses to overwrite an existing restore target unless forced', async () => {
    const image = join(dir, 'force.img');
    await writeImage(image, { size: 256 * 1024, seed: 51 });
    const { manifest } = await backupImages(repo, { paths: [image], pool });
    await assert.rejects(restoreImage(repo, { pointId: manifest.id, disk: 0, to: image, pool }), (e: unknown) => isArcaError(e) && e.code === 'RestoreTargetExists');
    const copy = join(dir, 'force.out');
    await restoreImage(repo, { pointId: manifest.id, disk: 0, to: copy, pool });
    await restoreImage(repo, { pointId: manifest.id, disk: 0, to: copy, pool, force: true });
    assert.equal(await sha256File(copy), await sha256File(image));
  });

  it('names a missing image with ImageFileUnreadable', async () => {
    await assert.rejects(backupImages(repo, { paths: [join(dir, 'nope.img')], pool }), (e: unknown) => isArcaError(e) && e.code === 'ImageFileUnreadable');
  });
});

describe('image backup under store failures', () => {
  for (const fault of [
    { name: 'the disk filling up', rule: { kind: 'disk-full', afterBytes: 600 * 1024 } as const, code: 'RepositoryStoreFull' },
    { name: 'a put torn by a crash', rule: { kind: 'torn-put', key: /^data\//, nth: 3 } as const, code: 'RepositoryStoreUnavailable' },
    { name: 'an index file write failing for good', rule: { kind: 'fail', code: 'RepositoryPermissionDenied', key: /^index\//, nth: 2, operations: ['put'] } as const, code: 'RepositoryPermissionDenied' },
  ]) {
    it(`leaves the repository consistent after ${fault.name}, and the next backup reuses what landed`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'arca-fault-'));
      const faulty = new FaultInjectingBlobStore(new LocalFsBlobStore(join(dir, 'repo')));
      const { repo, pool } = await testRepository(faulty);
      try {
        const image = join(dir, 'disk.img');
        await writeImage(image, { size: 3 * 1024 * 1024, seed: 61, zeroShare: 0.1, textShare: 0.2 });
        const handle = faulty.addFault(fault.rule);
        await assert.rejects(backupImages(repo, { paths: [image], pool }), (e: unknown) => isArcaError(e) && (e.code === fault.code || e.code === 'RepositoryStoreUnavailable'));
        assert.ok(handle.fired > 0, 'the fault fired');
        faulty.clearFaults();
        const check = await verifyRepository(repo, pool);
        assert.deepEqual(check.problems, []);
        const packsBefore = check.packsTotal;
        const retry = await backupImages(repo, { paths: [image], pool });
        assert.ok(retry.manifest.stats.bytesNew < 3 * 1024 * 1024 || packsBefore === 0, 'chunks stored before the failure are reused');
        const target = join(dir, 'disk.out');
        await restoreImage(repo, { pointId: retry.manifest.id, disk: 0, to: target, pool });
        assert.equal(await sha256File(target), await sha256File(image));
        assert.deepEqual((await verifyRepository(repo, pool)).problems, []);
      } finally {
        await pool.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
