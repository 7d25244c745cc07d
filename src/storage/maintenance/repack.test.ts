import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BlobStore } from '../blob/blob-store.ts';
import { LocalFsBlobStore } from '../blob/local-fs-blob-store.ts';
import { backupImages } from '../backup/image-backup.ts';
import { ChunkIndex } from '../index/chunk-index.ts';
import { loadIndex } from '../index/load-index.ts';
import { readChunk } from '../points/chunk-reader.ts';
import { forgetPoint } from '../points/forget.ts';
import { hex, LAYOUT, unhex } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import { restoreImage } from '../restore/image-restore.ts';
import { mutateImage, sha256File, testRepository, writeImage } from '../testing/fixtures.ts';
import { holdNextManifest, HookStore } from '../testing/hook-store.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';
import { pruneMarks } from './activity.ts';
import { pruneRepository } from './prune.ts';
import { verifyRepository } from './verify.ts';

async function storedBytes(store: BlobStore): Promise<{ packs: number; bytes: number }> {
  let packs = 0;
  let bytes = 0;
  for await (const info of store.list(LAYOUT.data)) {
    packs++;
    bytes += info.size;
  }
  return { packs, bytes };
}

/** A point of `image`, then one of the image with a few blocks rewritten; the first point forgotten. */
async function partlyUsedPacks(repo: Repository, pool: ChunkWorkerPool, image: string, seed: number): Promise<{ kept: string; copy: string }> {
  await writeImage(image, { size: 2 * 1024 * 1024, seed, zeroShare: 0, textShare: 0 });
  const first = await backupImages(repo, { paths: [image], pool });
  await mutateImage(image, seed + 1, 4, 64 * 1024);
  const second = await backupImages(repo, { paths: [image], pool, skipUnchanged: false });
  await forgetPoint(repo, first.manifest.id);
  const copy = `${image}.copy`;
  await copyFile(image, copy);
  return { kept: second.manifest.id, copy };
}

async function restoresIdentically(repo: Repository, pool: ChunkWorkerPool, point: string, image: string, out: string): Promise<void> {
  await restoreImage(repo, { pointId: point, disk: 0, to: out, pool, force: true });
  assert.equal(await sha256File(out), await sha256File(image));
}

describe('prune repacks partly used packs', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-repack-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('copies the needed chunks of mostly unused packs into new packs, deletes the old ones, and every point still restores', async () => {
    const store = new LocalFsBlobStore(join(dir, 'r1'));
    const { repo, pool } = await testRepository(store);
    try {
      const { kept, copy } = await partlyUsedPacks(repo, pool, join(dir, 'r1.img'), 11);
      const initially = await storedBytes(store);
      const dry = await pruneRepository(repo, pool, { graceMs: 0, dryRun: true });
      assert.ok(dry.packsRepacked > 0, 'the dry run names packs to repack');
      assert.deepEqual(await storedBytes(store), initially, 'a dry run writes nothing');

      const report = await pruneRepository(repo, pool, { graceMs: 0 });
      assert.equal(report.packsRepacked, dry.packsRepacked);
      assert.ok(report.packsWritten > 0 && report.bytesWritten > 0);
      assert.equal(report.packsDeleted, report.packsMarked);
      assert.equal(report.partlyUsedPacks, 0);
      const afterPrune = await storedBytes(store);
      assert.equal(afterPrune.packs, initially.packs - report.packsDeleted + report.packsWritten);
      assert.ok(afterPrune.bytes < initially.bytes, `stored bytes fell from ${initially.bytes} to ${afterPrune.bytes}`);
      assert.deepEqual((await verifyRepository(repo, pool)).problems, []);
      await restoresIdentically(repo, pool, kept, copy, join(dir, 'r1.out'));

      const again = await pruneRepository(repo, pool, { graceMs: 0 });
      assert.equal(again.packsRepacked, 0, 'nothing is left to repack');
      assert.equal(again.packsDeleted, 0);
    } finally {
      await pool.close();
    }
  });

  it('leaves partly used packs whole below the threshold', async () => {
    const store = new LocalFsBlobStore(join(dir, 'r2'));
    const { repo, pool } = await testRepository(store);
    try {
      await partlyUsedPacks(repo, pool, join(dir, 'r2.img'), 21);
      const report = await pruneRepository(repo, pool, { graceMs: 0, repackUnused: 1 });
      assert.equal(report.packsRepacked, 0);
      assert.ok(report.partlyUsedPacks > 0);
      assert.equal(report.packsWritten, 0);
    } finally {
      await pool.close();
    }
  });

  it('keeps a backup that dedups against a pack being repacked whole, and a later backup reuses the copies', async () => {
    const store = new HookStore(new LocalFsBlobStore(join(dir, 'r3')));
    const { repo, pool } = await testRepository(store);
    let held = { reached: Promise.resolve(), release: () => undefined as void };
    try {
      const { kept, copy } = await partlyUsedPacks(repo, pool, join(dir, 'r3.img'), 31);
      held = holdNextManifest(store);
      // Reads the image again and finds every chunk in the packs prune is about to repack.
      const running = backupImages(repo, { paths: [copy], pool, skipUnchanged: false });
      await held.reached;
      const first = await pruneRepository(repo, pool, { graceMs: 0 });
      assert.ok(first.packsRepacked > 0);
      assert.equal(first.packsDeleted, 0, 'the running backup started before the mark');
      assert.equal(first.waiting.length, 1);

      // A backup starting now sees the mark and finds every chunk in the copies.
      const marked = new Set((await pruneMarks(repo)).flatMap((m) => m.packs));
      const later = await backupImages(repo, { paths: [copy], pool, skipUnchanged: false });
      assert.equal(later.manifest.stats.bytesNew, 0, 'no chunk was stored again');

      // An index loaded now lists the moved chunks twice; once the old packs go, readers find the copies.
      const stale = await loadIndex(repo);
      const moved = [...marked].flatMap((p) => (stale.packEntries(p) ?? []).map((e) => hex(e.id))).filter((id) => stale.heldOutside(id, marked));
      assert.ok(moved.length > 0);
      held.release();
      const during = (await running).manifest;
      const second = await pruneRepository(repo, pool, { graceMs: 0 });
      assert.equal(second.packsDeleted, marked.size);
      for (const id of moved) assert.ok((await readChunk(repo, stale, pool, id)).length > 0);

      assert.deepEqual((await verifyRepository(repo, pool)).problems, []);
      for (const [n, point] of [kept, during.id, later.manifest.id].entries()) await restoresIdentically(repo, pool, point, copy, join(dir, `r3-${n}.out`));
    } finally {
      held.release();
      await pool.close();
    }
  });

  it('combines small packs when asked to', async () => {
    const store = new LocalFsBlobStore(join(dir, 'r4'));
    const { repo, pool } = await testRepository(store);
    try {
      const points: { id: string; image: string }[] = [];
      for (let n = 0; n < 3; n++) {
        const image = join(dir, `r4-${n}.img`);
        await writeImage(image, { size: 64 * 1024, seed: 40 + n, zeroShare: 0, textShare: 0 });
        points.push({ id: (await backupImages(repo, { paths: [image], pool })).manifest.id, image });
      }
      const initially = await storedBytes(store);
      const report = await pruneRepository(repo, pool, { graceMs: 0, repackSmall: true });
      assert.equal(report.packsRepacked, initially.packs);
      assert.equal(report.packsWritten, 1);
      assert.equal((await storedBytes(store)).packs, 1);
      assert.deepEqual((await verifyRepository(repo, pool)).problems, []);
      for (const [n, { id, image }] of points.entries()) await restoresIdentically(repo, pool, id, image, join(dir, `r4-${n}.out`));
    } finally {
      await pool.close();
    }
  });
});

const entry = (id: number, offset: number) => ({ id: unhex(id.toString(16).padStart(64, '0')), offset, length: 10, rawLength: 10, flags: 0 });
const pack = (n: number) => unhex(n.toString(16).padStart(64, '0'));

describe('the chunk index with a chunk in two packs', () => {

  it('lists every location and sends readers outside the packs it is told to avoid', () => {
    const index = new ChunkIndex();
    index.addPack({ packId: pack(1), entries: [entry(7, 16), entry(8, 26)] });
    index.addPack({ packId: pack(2), entries: [entry(7, 16)] });
    const id = hex(entry(7, 0).id);
    assert.deepEqual(index.locations(id).map((l) => l.packId), [hex(pack(1)), hex(pack(2))]);
    assert.equal(index.duplicates, 1);
    const marked = new Set([hex(pack(1))]);
    assert.ok(index.heldOutside(id, marked));
    assert.ok(!index.heldOutside(hex(entry(8, 0).id), marked));
    index.avoid(marked);
    assert.equal(index.get(id)?.packId, hex(pack(2)));
    assert.equal(index.chunkCount, 2);
  });
});
