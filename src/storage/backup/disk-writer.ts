import { ArcaError } from '../../core/errors/index.ts';
import { ImageReadError, isAllZero, readFixedChunks } from '../chunking/fixed-chunker.ts';
import type { PackUploader } from '../pack/pack-uploader.ts';
import type { DiskManifest } from '../points/manifest.ts';
import { HOLE, RefListBuilder } from '../points/ref-list.ts';
import { hex } from '../repository/layout.ts';
import { BufferPool } from '../workers/buffer-pool.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';
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
}

/** Stores one chunk unless the repository has it already; resolves to its id. The buffer goes back to `buffers`. */
async function storeChunk(deps: DiskWriterDeps, buffers: BufferPool, data: Uint8Array, counters: { bytesNew: number }): Promise<Uint8Array> {
  const { id, data: returned } = await deps.pool.hash(data);
  if (deps.uploader.has(hex(id))) {
    buffers.release(returned);
    return id;
  }
  const sealed = await deps.pool.seal(id, returned);
  buffers.release(sealed.data);
  counters.bytesNew += sealed.rawLength;
  await deps.uploader.add(id, sealed);
  return id;
}

/**
 * Reads a disk once, in order, keeping a bounded window of chunks in flight on the workers; results
 * are committed to the chunk list in disk order. Memory stays at about `window × chunk size` plus
 * the packs being uploaded, whatever the disk's size.
 */
export async function writeDisk(name: string, image: ImageSource, deps: DiskWriterDeps): Promise<DiskManifest & { bytesNew: number }> {
  const counters = { bytesNew: 0 };
  const refs = new RefListBuilder();
  const pieces: string[] = [];
  const window: Promise<Uint8Array>[] = [];
  const depth = deps.pool.size * 2;
  const buffers = new BufferPool(deps.chunkSize, depth + 1);
  let zeroChunks = 0;
  let chunkCount = 0;
  let bytesDone = 0;

  const commit = async (pending: Promise<Uint8Array>, length: number) => {
    const piece = refs.push(await pending);
    if (piece) pieces.push(hex(await storeChunk(deps, buffers, piece, counters)));
    bytesDone += length;
    deps.onProgress?.({ bytesDone, bytesTotal: image.source.size, bytesNew: counters.bytesNew });
  };

  const lengths: number[] = [];
  const readAll = async () => {
    for await (const chunk of readFixedChunks(image.handle, image.source.size, deps.chunkSize, deps.signal, (n) => buffers.acquire(n))) {
      chunkCount++;
      // Read the length now: handing the buffer to a worker detaches it.
      const length = chunk.data.length;
      let pending: Promise<Uint8Array>;
      if (isAllZero(chunk.data)) {
        zeroChunks++;
        buffers.release(chunk.data);
        pending = Promise.resolve(HOLE);
      } else {
        pending = storeChunk(deps, buffers, chunk.data, counters);
        // Failures surface when the chunk is committed; this only keeps them from being reported as unhandled first.
        pending.catch(() => undefined);
      }
      window.push(pending);
      lengths.push(length);
      if (window.length >= depth) await commit(window.shift() as Promise<Uint8Array>, lengths.shift() as number);
    }
  };
  try {
    await readAll();
  } catch (error) {
    // The chunks already handed to the workers settle before the failure goes up.
    await Promise.allSettled(window);
    if (error instanceof ImageReadError) throw new ArcaError('ImageFileUnreadable', { path: image.source.path, reason: error.message }, { cause: error });
    throw error;
  }
  while (window.length > 0) await commit(window.shift() as Promise<Uint8Array>, lengths.shift() as number);
  const last = refs.finish();
  if (last) pieces.push(hex(await storeChunk(deps, buffers, last, counters)));

  return {
    name,
    size: image.source.size,
    chunkSize: deps.chunkSize,
    chunkCount,
    zeroChunks,
    refPieces: pieces,
    source: image.source,
    bytesNew: counters.bytesNew,
  };
}
