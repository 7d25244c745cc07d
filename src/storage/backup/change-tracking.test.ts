import assert from 'node:assert/strict';
import { constants } from 'node:fs';
import { copyFile, mkdtemp, open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLoopRig, run, whyNoLoopRig, type LoopRig } from '../../platform/testing/loop-rig.ts';
import { LocalFsBlobStore } from '../blob/local-fs-blob-store.ts';
import type { DiskManifest } from '../points/manifest.ts';
import type { Repository } from '../repository/repository.ts';
import { restoreImage } from '../restore/image-restore.ts';
import { pseudoRandom, sha256File, testRepository, TEST_CONFIG, writeImage } from '../testing/fixtures.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';
import { EXTENT_FLAGS, ExtentMap, ExtentMapError, type ExtentMapReader } from './extent-map.ts';
import { backupImages, type ImageBackupOptions } from './image-backup.ts';

const CHUNK = TEST_CONFIG.imageChunkSize;
const SIZE = 4 * 1024 * 1024; // 64 chunks of 64 KiB

async function writeAt(path: string, offset: number, data: Uint8Array): Promise<void> {
  const file = await open(path, 'r+');
  try {
    await file.write(data, 0, data.length, offset);
  } finally {
    await file.close();
  }
}

async function readAt(path: string, offset: number, length: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const data = new Uint8Array(length);
    await file.read(data, 0, length, offset);
    return data;
  } finally {
    await file.close();
  }
}

async function zeroChunks(path: string): Promise<number> {
  const data = await readFile(path);
  let count = 0;
  for (let at = 0; at < data.length; at += CHUNK) if (data.subarray(at, at + CHUNK).every((b) => b === 0)) count++;
  return count;
}

interface Tracked {
  readonly disk: DiskManifest;
  readonly pointId: string;
}

/** Backs up `path` (with a hint when given), restores it and checks the restore is byte for byte the file. */
async function backupAndCheck(repo: Repository, pool: ChunkWorkerPool, dir: string, path: string, extra: Partial<ImageBackupOptions> = {}): Promise<Tracked> {
  const { manifest } = await backupImages(repo, { paths: [path], pool, ...extra });
  const target = join(dir, `restored-${manifest.id}.img`);
  await restoreImage(repo, { pointId: manifest.id, disk: 0, to: target, pool });
  assert.equal(await sha256File(target), await sha256File(path), 'the restored image differs from the snapshot');
  await rm(target);
  return { disk: manifest.disks[0] as DiskManifest, pointId: manifest.id };
}


describe('change tracking from reflink snapshots on a real XFS', { skip: whyNoLoopRig(['xfs_io']) ?? false }, () => {
  let root: string;
  let xfs: string;
  let repo: Repository;
  let pool: ChunkWorkerPool;
  let rig: LoopRig | undefined;
  let n = 0;

  before(async () => {
    rig = await createLoopRig({ prefix: 'arca-tracking-', xfsSize: '300M' });
    ({ root, xfs } = rig);
    ({ repo, pool } = await testRepository(new LocalFsBlobStore(join(root, 'repo'))));
  });
  after(async () => {
    await pool?.close();
    await rig?.dispose();
  });

  /** A live disk with data and holes, and its first snapshot backed up in full. */
  async function firstPoint(): Promise<{ live: string; previous: string; point: Tracked }> {
    const live = join(xfs, `disk-${++n}.img`);
    await writeImage(live, { size: SIZE, seed: n, zeroShare: 0.2 });
    const previous = join(xfs, `snap-${n}-1.img`);
    await copyFile(live, previous, constants.COPYFILE_FICLONE_FORCE);
    return { live, previous, point: await backupAndCheck(repo, pool, root, previous) };
  }

  async function snapshot(live: string, name: string): Promise<string> {
    const path = join(xfs, name);
    await copyFile(live, path, constants.COPYFILE_FICLONE_FORCE);
    return path;
  }

  it('reads only the chunks rewritten since the previous snapshot, and restores the new one exactly', async () => {
    const { live, previous, point } = await firstPoint();
    // 4 KiB writes into chunks 3, 10 (twice) and 40; one straddles chunks 20 and 21.
    for (const at of [3 * CHUNK + 4096, 10 * CHUNK, 10 * CHUNK + 8192, 40 * CHUNK + 60000]) await writeAt(live, at, pseudoRandom(at, 4096));
    await writeAt(live, 21 * CHUNK - 2048, pseudoRandom(7, 4096));
    const current = await snapshot(live, `snap-${n}-2.img`);
    const next = await backupAndCheck(repo, pool, root, current, { previous: { [current]: { snapshotPath: previous, pointId: point.pointId } } });
    assert.equal(next.disk.reading?.previousPoint, point.pointId);
    assert.equal(next.disk.reading?.bytesRead, 5 * CHUNK);
    assert.equal(next.disk.reading?.bytesSkipped, SIZE - 5 * CHUNK);
    assert.equal(next.disk.zeroChunks, await zeroChunks(current), 'holes kept from the previous point count as zero chunks');
  });

  it('reads a block rewritten with the very same bytes (copy on write moved it)', async () => {
    const { live, previous, point } = await firstPoint();
    await writeAt(live, 17 * CHUNK, await readAt(live, 17 * CHUNK, 4096));
    const current = await snapshot(live, `snap-${n}-2.img`);
    const next = await backupAndCheck(repo, pool, root, current, { previous: { [current]: { snapshotPath: previous, pointId: point.pointId } } });
    assert.equal(next.disk.reading?.bytesRead, CHUNK);
  });

  it('reads a punched hole and data written where there was a hole', async () => {
    const { live, previous, point } = await firstPoint();
    await run('fallocate', ['-p', '-o', String(30 * CHUNK), '-l', String(2 * CHUNK), live]);
    await writeAt(live, SIZE - 4096, pseudoRandom(99, 4096));
    const current = await snapshot(live, `snap-${n}-2.img`);
    const next = await backupAndCheck(repo, pool, root, current, { previous: { [current]: { snapshotPath: previous, pointId: point.pointId } } });
    assert.ok((next.disk.reading?.bytesRead ?? 0) >= 2 * CHUNK);
    assert.ok((next.disk.reading?.bytesSkipped ?? 0) > 0);
  });

  it('reads everything after a truncate and extend back to the same size', async () => {
    const { live, previous, point } = await firstPoint();
    await truncate(live, 0);
    await truncate(live, SIZE);
    await writeAt(live, 5 * CHUNK, pseudoRandom(5, 8192));
    const current = await snapshot(live, `snap-${n}-2.img`);
    const next = await backupAndCheck(repo, pool, root, current, { previous: { [current]: { snapshotPath: previous, pointId: point.pointId } } });
    // Chunks that were holes before and are holes now may keep their ids; every chunk that held data is read.
    assert.equal(next.disk.reading?.bytesSkipped, point.disk.zeroChunks * CHUNK);
  });

  it('reads the whole disk when the previous snapshot is gone, or was written to after its backup', async () => {
    const { live, previous, point } = await firstPoint();
    const current = await snapshot(live, `snap-${n}-2.img`);
    await writeAt(previous, 0, pseudoRandom(1, 10));
    const touched = await backupAndCheck(repo, pool, root, current, { previous: { [current]: { snapshotPath: previous, pointId: point.pointId } } });
    assert.match(touched.disk.reading?.fullReadReason ?? '', /replaced or modified/);
    assert.equal(touched.disk.reading?.bytesRead, SIZE);
    await rm(previous);
    const third = await snapshot(live, `snap-${n}-3.img`);
    const gone = await backupAndCheck(repo, pool, root, third, { previous: { [third]: { snapshotPath: previous, pointId: point.pointId } } });
    assert.match(gone.disk.reading?.fullReadReason ?? '', /is gone/);
    assert.equal(gone.disk.reading?.bytesRead, SIZE);
  });

  it('reads the whole disk when the previous snapshot is an ordinary copy or the same file', async () => {
    const { live } = await firstPoint();
    const copy = join(xfs, `copy-${n}.img`);
    await writeFile(copy, await readFile(live)); // the same bytes in blocks of its own (copyFile would clone them on XFS)
    const copied = await backupAndCheck(repo, pool, root, copy);
    const current = await snapshot(live, `snap-${n}-2.img`);
    const fromCopy = await backupAndCheck(repo, pool, root, current, { previous: { [current]: { snapshotPath: copy, pointId: copied.pointId } } });
    // The copy holds its zeros as data: no block and no hole in common.
    assert.match(fromCopy.disk.reading?.fullReadReason ?? '', /no chunk/);
    assert.equal(fromCopy.disk.reading?.bytesRead, SIZE);
    const itself = await backupAndCheck(repo, pool, root, current, { previous: { [current]: { snapshotPath: current, pointId: fromCopy.pointId } }, skipUnchanged: false });
    assert.match(itself.disk.reading?.fullReadReason ?? '', /same file/);
  });
});

/** An extent reader that says whatever the test wants: the previous map, and the current one with some chunks moved. */
class FakeExtents implements ExtentMapReader {
  readonly previousPath: string;
  readonly movedChunks: readonly number[];
  readonly fail: boolean;

  constructor(previousPath: string, movedChunks: readonly number[], fail = false) {
    this.previousPath = previousPath;
    this.movedChunks = movedChunks;
    this.fail = fail;
  }

  read(path: string, size: number): Promise<ExtentMap> {
    if (this.fail) return Promise.reject(new ExtentMapError('xfs_io is not installed; filefrag is not installed'));
    const map = new ExtentMap(size);
    for (let at = 0, i = 0; at < size; at += CHUNK, i++) {
      const moved = path !== this.previousPath && this.movedChunks.includes(i);
      map.push(at, (moved ? 10_000_000 : 0) * CHUNK + at, Math.min(CHUNK, size - at), EXTENT_FLAGS.shared | (at + CHUNK >= size ? EXTENT_FLAGS.last : 0));
    }
    return Promise.resolve(map);
  }
}

describe('change tracking with a fake extent map (any file system, no root)', () => {
  let dir: string;
  let repo: Repository;
  let pool: ChunkWorkerPool;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-tracking-fake-'));
    ({ repo, pool } = await testRepository(new LocalFsBlobStore(join(dir, 'repo'))));
  });
  after(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function pair(seed: number): Promise<{ previous: string; current: string; point: Tracked }> {
    const previous = join(dir, `prev-${seed}.img`);
    const current = join(dir, `cur-${seed}.img`);
    await writeImage(previous, { size: SIZE, seed, zeroShare: 0.2 });
    await copyFile(previous, current);
    return { previous, current, point: await backupAndCheck(repo, pool, dir, previous) };
  }

  it('reuses the previous ids of the chunks the map calls unchanged and reads the others', async () => {
    const { previous, current, point } = await pair(101);
    await writeAt(current, 7 * CHUNK + 100, pseudoRandom(7, 5000));
    const next = await backupAndCheck(repo, pool, dir, current, { previous: { [current]: { snapshotPath: previous, pointId: point.pointId } }, extentMaps: new FakeExtents(previous, [7, 8]) });
    assert.equal(next.disk.reading?.bytesRead, 2 * CHUNK);
    assert.equal(next.disk.reading?.previousPoint, point.pointId);
  });

  const fallbacks: { name: string; reason: RegExp; prepare: (p: { previous: string; current: string; point: Tracked }) => Promise<{ pointId?: string; extents?: ExtentMapReader }> }[] = [
    { name: 'the extent tools are missing', reason: /not installed/, prepare: async (p) => ({ extents: new FakeExtents(p.previous, [], true) }) },
    { name: 'the point is not in this repository', reason: /not in this repository/, prepare: async () => ({ pointId: '20200101T000000Z-00000000' }) },
    { name: 'the disk changed size', reason: /changed size/, prepare: async (p) => (await truncate(p.current, SIZE + CHUNK), {}) },
    { name: 'the previous snapshot was replaced by another file of the same name', reason: /replaced or modified/, prepare: async (p) => (await rm(p.previous), await writeImage(p.previous, { size: SIZE, seed: 5 }), {}) },
    { name: 'every chunk moved', reason: /no chunk/, prepare: async (p) => ({ extents: new FakeExtents(p.previous, Array.from({ length: 64 }, (_, i) => i)) }) },
  ];
  for (const [i, f] of fallbacks.entries()) {
    it(`reads the whole disk, saying why, when ${f.name}`, async () => {
      const p = await pair(200 + i);
      const { pointId, extents } = await f.prepare(p);
      const next = await backupAndCheck(repo, pool, dir, p.current, { previous: { [p.current]: { snapshotPath: p.previous, pointId: pointId ?? p.point.pointId } }, extentMaps: extents ?? new FakeExtents(p.previous, []) });
      assert.match(next.disk.reading?.fullReadReason ?? '', f.reason);
      assert.equal(next.disk.reading?.bytesSkipped, 0);
    });
  }

  it('records bytes read and skipped without a hint too', async () => {
    const path = join(dir, 'plain.img');
    await writeFile(path, pseudoRandom(3, 3 * CHUNK));
    const first = await backupAndCheck(repo, pool, dir, path);
    assert.deepEqual(first.disk.reading, { bytesRead: 3 * CHUNK, bytesSkipped: 0 });
    const again = await backupImages(repo, { paths: [path], pool });
    assert.deepEqual(again.manifest.disks[0]?.reading, { bytesRead: 0, bytesSkipped: 3 * CHUNK });
  });
});
