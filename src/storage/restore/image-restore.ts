import { rm } from 'node:fs/promises';
import { ArcaError } from '../../core/errors/index.ts';
import { isAllZero } from '../chunking/fixed-chunker.ts';
import { loadIndex } from '../index/load-index.ts';
import { diskChunkIds } from '../points/chunk-reader.ts';
import { loadPoint } from '../points/point-store.ts';
import type { Repository } from '../repository/repository.ts';
import { releaseBuffer } from '../workers/release-memory.ts';
import { diskPieces, readRun, type RunMember } from './chunk-runs.ts';
import { ImageWriter } from './image-writer.ts';
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

/** Granularity of holes inside a stored chunk: zero runs this long are skipped, not written. */
const SPARSE_BLOCK = 64 * 1024;

/** Writes the non-zero runs of a chunk; the file was sized beforehand, so skipped runs read as zeros. */
async function writeSparse(file: ImageWriter, data: Uint8Array, position: number): Promise<void> {
  let runStart = -1;
  for (let at = 0; at < data.length; at += SPARSE_BLOCK) {
    const block = data.subarray(at, Math.min(at + SPARSE_BLOCK, data.length));
    const zero = isAllZero(block);
    if (!zero && runStart < 0) runStart = at;
    if (zero && runStart >= 0) {
      await file.write(data.subarray(runStart, at), position + runStart);
      runStart = -1;
    }
  }
  if (runStart >= 0) await file.write(data.subarray(runStart), position + runStart);
}

/**
 * Rebuilds one disk of a recovery point into a file. The file is sized first, so chunks that were
 * zeros are never written and stay holes; stored chunks are fetched and opened on the workers with a
 * bounded number in flight and written at their own offsets, in whatever order they arrive.
 */
export async function restoreImage(repo: Repository, options: ImageRestoreOptions): Promise<ImageRestoreResult> {
  const started = performance.now();
  const manifest = await loadPoint(repo, options.pointId, options.signal);
  const disk = manifest.disks[options.disk];
  if (!disk || !Number.isInteger(options.disk)) {
    throw new ArcaError('RepositoryDiskNotInPoint', { point: options.pointId, disk: options.disk, count: manifest.disks.length });
  }
  const index = await loadIndex(repo, options.signal);
  const file = await ImageWriter.create(options.to, disk.size, options.force === true);
  let complete = false;
  try {
    const inFlight = new Set<Promise<void>>();
    // Several chunks per worker in flight: while some are read from their packs and others written
    // out, the workers still have chunks to open, and the disk is never left without a request.
    const depth = options.pool.size * 4;
    let bytesWritten = 0;
    let bytesDone = 0;
    let holes = 0;
    let failure: unknown;
    const ids = diskChunkIds(repo, index, options.pool, disk.refPieces, options.signal);
    // One chunk per read: its buffer goes to a worker as it is, where a read of several would be
    // copied apart first; the kernel's read-ahead makes reading a pack chunk by chunk cheap anyway.
    for await (const piece of diskPieces(ids, index, disk.chunkSize, disk.size, 1)) {
      if (piece.kind === 'hole') {
        holes++;
        bytesDone += piece.length;
        continue;
      }
      const task = readRun(repo, options.pool, piece, options.signal)
        .then(async (chunks) => {
          for (const [n, data] of chunks.entries()) {
            await writeSparse(file, data, (piece.members[n] as RunMember).at);
            releaseBuffer(data);
            bytesWritten += data.length;
            bytesDone += data.length;
          }
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
    // Flushed before success is reported: an image that may still be half in memory is not restored.
    await file.close(true);
    complete = true;
    options.onProgress?.({ bytesDone: disk.size, bytesTotal: disk.size });
    return { bytesWritten, bytesTotal: disk.size, holes, seconds: (performance.now() - started) / 1000 };
  } finally {
    if (!complete) await file.close(false).catch(() => undefined);
    // A half-written image looks like a good one; remove it rather than leave it behind.
    if (!complete) await rm(options.to, { force: true });
  }
}
