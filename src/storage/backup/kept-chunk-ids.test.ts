import assert from 'node:assert/strict';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalFsBlobStore } from '../blob/local-fs-blob-store.ts';
import { CHUNK_ID_BYTES } from '../crypto/keys.ts';
import { loadIndex } from '../index/load-index.ts';
import { diskChunkIds } from '../points/chunk-reader.ts';
import type { DiskManifest } from '../points/manifest.ts';
import { REFS_PER_PIECE } from '../points/ref-list.ts';
import type { Repository } from '../repository/repository.ts';
import { pseudoRandom, testRepository } from '../testing/fixtures.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';
import { backupImages } from './image-backup.ts';
import { keptIdsMismatch } from './kept-chunk-ids.ts';

// Small chunks, so that a sparse image of REFS_PER_PIECE + 3 chunks (two ref-list pieces) stays small.
const CHUNK = 4096;
const CHUNKS = REFS_PER_PIECE + 3;

describe('chunk ids kept by the machine, checked against the manifest alone', () => {
  let dir: string;
  let repo: Repository;
  let pool: ChunkWorkerPool;
  let disk: DiskManifest;
  let ids: Uint8Array;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-kept-ids-'));
    ({ repo, pool } = await testRepository(new LocalFsBlobStore(join(dir, 'repo')), { imageChunkSize: CHUNK }));
    const path = join(dir, 'disk.img');
    const file = await open(path, 'w');
    try {
      await file.truncate(CHUNKS * CHUNK);
      // Distinct data in a few chunks on both sides of the piece boundary; holes elsewhere.
      for (const [n, chunk] of [0, 1, 2, 77, REFS_PER_PIECE - 1, REFS_PER_PIECE, REFS_PER_PIECE + 2].entries()) await file.write(pseudoRandom(n + 1, CHUNK), 0, CHUNK, chunk * CHUNK);
    } finally {
      await file.close();
    }
    const result = await backupImages(repo, { paths: [path], pool, keepChunkIds: true });
    disk = result.manifest.disks[0] ?? assert.fail('no disk');
    ids = result.chunkIds.get(path) ?? assert.fail('backupImages returned no ids for the disk');
  });
  after(async () => {
    await pool?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the ids the point records, in disk order, over two ref-list pieces', async () => {
    assert.equal(disk.refPieces.length, 2);
    assert.equal(ids.length, CHUNKS * CHUNK_ID_BYTES);
    const index = await loadIndex(repo);
    const fromPacks: Uint8Array[] = [];
    for await (const id of diskChunkIds(repo, index, pool, disk.refPieces)) fromPacks.push(id.slice());
    assert.ok(Buffer.from(ids).equals(Buffer.concat(fromPacks)), 'the returned ids are the list read back from the packs');
  });

  it('accepts the right ids', () => {
    assert.equal(keptIdsMismatch(repo.keys.chunkId, ids, disk), undefined);
  });

  it('rejects a flipped byte in either piece', () => {
    for (const [at, piece] of [[5, 1], [(REFS_PER_PIECE + 1) * CHUNK_ID_BYTES + 7, 2]] as const) {
      const flipped = ids.slice();
      flipped[at] = (flipped[at] as number) ^ 0x01;
      assert.match(keptIdsMismatch(repo.keys.chunkId, flipped, disk) ?? 'accepted', new RegExp(`piece ${piece} of 2`));
    }
  });

  it('rejects a missing id, and one too many', () => {
    assert.match(keptIdsMismatch(repo.keys.chunkId, ids.subarray(0, ids.length - CHUNK_ID_BYTES), disk) ?? 'accepted', /hold 131074 ids, the point recorded 131075 chunks/);
    const longer = Buffer.concat([ids, ids.subarray(0, CHUNK_ID_BYTES)]);
    assert.match(keptIdsMismatch(repo.keys.chunkId, longer, disk) ?? 'accepted', /hold 131076 ids/);
  });

  it('rejects a reordered pair of ids', () => {
    const swapped = ids.slice();
    const first = ids.slice(1 * CHUNK_ID_BYTES, 2 * CHUNK_ID_BYTES);
    const second = ids.slice(2 * CHUNK_ID_BYTES, 3 * CHUNK_ID_BYTES);
    assert.ok(!Buffer.from(first).equals(second), 'the two chunks hold different data');
    swapped.set(second, 1 * CHUNK_ID_BYTES);
    swapped.set(first, 2 * CHUNK_ID_BYTES);
    assert.match(keptIdsMismatch(repo.keys.chunkId, swapped, disk) ?? 'accepted', /piece 1 of 2/);
  });

  it('rejects ids with a piece more than the point has', () => {
    assert.match(keptIdsMismatch(repo.keys.chunkId, ids, { ...disk, refPieces: disk.refPieces.slice(0, 1) }) ?? 'accepted', /make 2 ref-list pieces, the point has 1/);
  });
});
