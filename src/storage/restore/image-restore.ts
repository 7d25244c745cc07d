import { rm } from 'node:fs/promises';
import { ArcaError } from '../../core/errors/index.ts';
import { loadIndex } from '../index/load-index.ts';
import { diskChunkIds } from '../points/chunk-reader.ts';
import { loadPoint } from '../points/point-store.ts';
import type { Repository } from '../repository/repository.ts';
import { diskPieces, restoreRunOrRelocate } from './chunk-runs.ts';
import { ImageTarget, unwritable } from './image-target.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';

export interface ImageRestoreOptions {
  readonly pointId: string;
  readonly disk: number;
  readonly to: string;
  readonly pool: ChunkWorkerPool;
  readonly force?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: { bytesDone: number; bytesTotal: number }) => void;
}

export interface ImageRestoreResult {
  readonly bytesWritten: number;
  readonly bytesTotal: number;
  readonly holes: number;
  readonly seconds: number;
}

/**
 * Rebuilds one disk of a recovery point into a file. The file is sized first, so chunks that were
 * zeros are never written and stay holes; stored chunks are read here and handed to the workers,
 * which open them and write their non-zero blocks at their own offsets, a bounded number in flight,
 * in whatever order they finish. The file is flushed before success is reported, and removed after
 * a failure: a partial restore never looks like a complete one.
 */
export async function restoreImage(repo: Repository, options: ImageRestoreOptions): Promise<ImageRestoreResult> {
  const started = performance.now();
  const manifest = await loadPoint(repo, options.pointId, options.signal);
  const disk = manifest.disks[options.disk];
  if (!disk || !Number.isInteger(options.disk)) {
    throw new ArcaError('RepositoryDiskNotInPoint', { point: options.pointId, disk: options.disk, count: manifest.disks.length });
  }
  const index = await loadIndex(repo, options.signal);
  // Loaded again at most once, when a pack is found gone (pruned after its chunks were repacked).
  let fresh: ReturnType<typeof loadIndex> | undefined;
  const relocate = async (id: string) => (await (fresh ??= loadIndex(repo, options.signal))).get(id);
  const { pool } = options;
  const file = await ImageTarget.create(options.to, disk.size, options.force === true);
  const inFlight = new Set<Promise<void>>();
  let complete = false;
  try {
    // Several chunks per worker in flight: while some are read from their packs and others written
    // out, the workers still have chunks to open, and the disk is never left without a request.
    const depth = pool.size * 4;
    let bytesWritten = 0;
    let bytesDone = 0;
    let holes = 0;
    let failure: unknown;
    const ids = diskChunkIds(repo, index, pool, disk.refPieces, options.signal);
    // One chunk per read: its buffer goes to a worker as it is, where a read of several would be
    // copied apart first; a chunk is one large request anyway (direct reads, see blob/direct-read.ts).
    for await (const piece of diskPieces(ids, index, disk.chunkSize, disk.size, 1)) {
      if (piece.kind === 'hole') {
        holes++;
        bytesDone += piece.length;
        continue;
      }
      const task = restoreRunOrRelocate(repo, pool, piece, file.path, relocate, options.signal)
        .then((bytes) => {
          bytesWritten += bytes;
          bytesDone += bytes;
          options.onProgress?.({ bytesDone, bytesTotal: disk.size });
        })
        .catch((error: unknown) => {
          failure ??= error;
        });
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
      if (inFlight.size >= depth) await Promise.race(inFlight);
      if (failure !== undefined) throw failure;
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    await pool.release(file.path).catch((error: unknown) => {
      throw unwritable(file.path, error);
    });
    // Flushed before success is reported: an image that may still be half in memory is not restored.
    await file.close(true);
    complete = true;
    options.onProgress?.({ bytesDone: disk.size, bytesTotal: disk.size });
    return { bytesWritten, bytesTotal: disk.size, holes, seconds: (performance.now() - started) / 1000 };
  } finally {
    if (!complete) {
      // No worker may still be writing when the file goes: wait for every chunk, then close their handles.
      await Promise.allSettled(inFlight);
      await pool.release(file.path).catch(() => undefined);
      await file.close(false).catch(() => undefined);
      // A half-written image looks like a good one; remove it rather than leave it behind.
      await rm(options.to, { force: true });
    }
  }
}
