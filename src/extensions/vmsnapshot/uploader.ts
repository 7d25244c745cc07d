import { POINT_METADATA } from '../../protocol/index.ts';
import { backupImages } from '../../storage/backup/image-backup.ts';
import type { PreviousSnapshot } from '../../storage/backup/reuse-plan.ts';
import type { Repository } from '../../storage/repository/repository.ts';
import type { ChunkWorkerPool } from '../../storage/workers/worker-pool.ts';

export interface UploadInput {
  readonly taskId: string;
  readonly machineId: string;
  readonly snapshots: readonly { readonly disk: string; readonly path: string }[];
  readonly signal?: AbortSignal;
  /** Change tracking: by snapshot path, the disk's previous snapshot and its point (change-tracking.ts). */
  readonly previous?: Readonly<Record<string, PreviousSnapshot>>;
  /** 0–100 over the whole transfer. */
  readonly onProgress?: (percent: number) => void;
}

export interface UploadResult {
  readonly manifestId: string;
  readonly bytesRead: number;
  readonly bytesNew: number;
  /**
   * By snapshot path, the disk's chunk ids as the point records them (32 bytes each, disk order),
   * for the next backup's change tracking (kept-chunk-ids.ts). Not part of the task's report.
   */
  readonly chunkIds?: ReadonlyMap<string, Uint8Array>;
}

/**
 * Moves the snapshots' data into the vault's repository as one recovery point whose metadata
 * names the task and the machine (the vault accepts only such a point). The network channel with
 * scoped credentials is one implementation; the local one writes into a repository it is given.
 */
export interface Uploader {
  upload(input: UploadInput): Promise<UploadResult>;
}

/** Writes straight into a repository opened on this machine (the vault's own host, and tests). */
export class LocalRepositoryUploader implements Uploader {
  readonly #repo: Repository;
  readonly #pool: ChunkWorkerPool;

  constructor(repo: Repository, pool: ChunkWorkerPool) {
    this.#repo = repo;
    this.#pool = pool;
  }

  async upload(input: UploadInput): Promise<UploadResult> {
    const { manifest, chunkIds } = await backupImages(this.#repo, {
      paths: input.snapshots.map((s) => s.path),
      pool: this.#pool,
      keepChunkIds: true,
      metadata: { [POINT_METADATA.taskId]: input.taskId, [POINT_METADATA.machineId]: input.machineId },
      ...(input.signal === undefined ? {} : { signal: input.signal }),
      ...(input.previous === undefined ? {} : { previous: input.previous }),
      onProgress: (progress) => {
        const share = 100 / input.snapshots.length;
        input.onProgress?.(Math.min(99, Math.floor(progress.disk * share + (progress.bytesTotal > 0 ? (progress.bytesDone / progress.bytesTotal) * share : 0))));
      },
    });
    input.onProgress?.(100);
    return { manifestId: manifest.id, bytesRead: manifest.stats.bytesRead, bytesNew: manifest.stats.bytesNew, chunkIds };
  }
}
