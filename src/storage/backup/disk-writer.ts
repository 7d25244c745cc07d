import { ArcaError } from '../../core/errors/index.ts';
import { Semaphore } from '../blob/semaphore.ts';
import { ImageReadError, isAllZero, readFixedChunks } from '../chunking/fixed-chunker.ts';
import type { PackUploader } from '../pack/pack-uploader.ts';
import type { DiskManifest } from '../points/manifest.ts';
import { HOLE, isHole, RefListBuilder } from '../points/ref-list.ts';
import { hex } from '../repository/layout.ts';
import { BufferPool } from '../workers/buffer-pool.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';
import { readChangedChunks, type PlannedChunk, type ReuseLookup } from './changed-chunks.ts';
import type { ImageSource } from './image-source.ts';

export interface DiskProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly bytesNew: number;
}

export interface DiskWriterDeps {
  readonly pool: ChunkWorkerPool;
  readonly uploader: PackUploader;
  readonly chunkSize: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DiskProgress) => void;
  /** Change tracking: earlier ids of chunks known unchanged, which are then not read. */
  readonly reuse?: ReuseLookup;
  /** Hand back the chunk ids written, in disk order (32 bytes per chunk), as `chunkIds`. */
  readonly keepChunkIds?: boolean;
}

/** What one disk's chunks share on their way: the workers, the packs, and the bounds on memory. */
interface Lane {
  readonly deps: DiskWriterDeps;
  readonly buffers: BufferPool;
  /** Chunks being sealed or written: each holds a sealed copy of up to a chunk until it is in its pack. */
  readonly sealing: Semaphore;
  bytesNew: number;
}

/**
 * Stores one chunk unless the repository has it already; resolves to its id once it is written.
 * A `pooled` buffer goes back to `lane.buffers` as soon as the chunk no longer needs it (after
 * hashing, or after sealing), so the reader moves on while the chunk is sealed and written.
 */
async function storeChunk(lane: Lane, data: Uint8Array, pooled: boolean): Promise<Uint8Array> {
  const { pool, uploader } = lane.deps;
  let held = pooled;
  const giveBack = (view: Uint8Array | undefined) => {
    if (!held) return;
    held = false;
    lane.buffers.release(view);
  };
  try {
    const hashed = await pool.hash(data);
    if (uploader.has(hex(hashed.id))) {
      giveBack(hashed.data);
      return hashed.id;
    }
    const release = await lane.sealing.acquire();
    try {
      const sealed = await pool.seal(hashed.id, hashed.data);
      giveBack(sealed.data);
      lane.bytesNew += sealed.rawLength;
      await uploader.add(hashed.id, sealed);
    } finally {
      release();
    }
    return hashed.id;
  } finally {
    // After a failure the buffer may be with a worker that is gone; its permit comes back all the same.
    giveBack(undefined);
  }
}

/** The pieces end to end, in a plain Uint8Array (a Buffer's `slice` would not copy). */
function joined(pieces: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(pieces.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const piece of pieces) {
    all.set(piece, at);
    at += piece.length;
  }
  return all;
}

/** Chunks read but not yet committed, at most; each costs a few bytes while it waits. */
const MAX_WINDOW = 4096;

/**
 * Reads a disk once, in order, and commits each chunk's id to the chunk list in disk order. Memory
 * is bounded by the buffer pool (chunks being read or hashed, or waiting to be sealed) and by the
 * seals in flight, not by how far the reader runs ahead: a chunk being sealed does not hold up the
 * hashing of the chunks behind it, only their commit, which costs nothing to wait for.
 */
export async function writeDisk(name: string, image: ImageSource, deps: DiskWriterDeps): Promise<DiskManifest & { bytesNew: number; bytesRead: number; chunkIds?: Uint8Array }> {
  // Enough buffers that both workers hash while chunks ahead of them are read and one is sealed.
  const lane: Lane = { deps, buffers: new BufferPool(deps.chunkSize, deps.pool.size * 3 + 2), sealing: new Semaphore(deps.pool.size + 1), bytesNew: 0 };
  const refs = new RefListBuilder();
  const pieces: string[] = [];
  // Copies: a piece handed to a worker to be hashed is detached.
  const kept: Uint8Array[] = [];
  const storePiece = async (piece: Uint8Array) => {
    if (deps.keepChunkIds) kept.push(piece.slice());
    pieces.push(hex(await storeChunk(lane, piece, false)));
  };
  const window: { id: Promise<Uint8Array>; length: number; settled: boolean }[] = [];
  let zeroChunks = 0;
  let chunkCount = 0;
  let bytesDone = 0;
  let bytesRead = 0;

  const commitFirst = async () => {
    const { id, length } = window.shift() as { id: Promise<Uint8Array>; length: number };
    const piece = refs.push(await id);
    if (piece) await storePiece(piece);
    bytesDone += length;
    deps.onProgress?.({ bytesDone, bytesTotal: image.source.size, bytesNew: lane.bytesNew });
  };

  const allocate = (n: number) => lane.buffers.acquire(n);
  const readAll = async () => {
    const { size } = image.source;
    const chunks = deps.reuse ? readChangedChunks(image.handle, size, deps.chunkSize, deps.reuse, deps.signal, allocate, 2) : readFixedChunks(image.handle, size, deps.chunkSize, deps.signal, allocate, 2);
    // readFixedChunks' chunks always carry their data, so their length is never asked for.
    for await (const chunk of chunks as AsyncGenerator<PlannedChunk>) {
      chunkCount++;
      // Read the length now: handing the buffer to a worker detaches it.
      const length = chunk.data?.length ?? chunk.length;
      let id: Promise<Uint8Array>;
      if (chunk.reused !== undefined) {
        // Change tracking vouched for it: its earlier id, not read.
        if (isHole(chunk.reused)) zeroChunks++;
        id = Promise.resolve(chunk.reused);
      } else {
        bytesRead += length;
        if (isAllZero(chunk.data)) {
          zeroChunks++;
          lane.buffers.release(chunk.data);
          id = Promise.resolve(HOLE);
        } else {
          id = storeChunk(lane, chunk.data, true);
        }
      }
      const entry = { id, length, settled: false };
      // Failures surface when the chunk is committed; this also keeps them from being reported as unhandled first.
      id.then(
        () => (entry.settled = true),
        () => (entry.settled = true),
      );
      window.push(entry);
      // Commit what is done without waiting, so the window holds only chunks still under way.
      while (window.length > 0 && (window.length >= MAX_WINDOW || window[0]?.settled === true)) await commitFirst();
    }
  };
  try {
    await readAll();
  } catch (error) {
    // The chunks already handed to the workers settle before the failure goes up.
    await Promise.allSettled(window.map((w) => w.id));
    if (error instanceof ImageReadError) throw new ArcaError('ImageFileUnreadable', { path: image.source.path, reason: error.message }, { cause: error });
    throw error;
  }
  while (window.length > 0) await commitFirst();
  const last = refs.finish();
  if (last) await storePiece(last);

  return {
    name,
    size: image.source.size,
    chunkSize: deps.chunkSize,
    chunkCount,
    zeroChunks,
    refPieces: pieces,
    source: image.source,
    bytesNew: lane.bytesNew,
    bytesRead,
    ...(deps.keepChunkIds ? { chunkIds: joined(kept) } : {}),
  };
}
