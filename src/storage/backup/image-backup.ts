import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { ChunkIndex } from '../index/chunk-index.ts';
import { loadIndex } from '../index/load-index.ts';
import { pruneMarks, startInflight, type HeartbeatOptions, type PruneMark } from '../maintenance/activity.ts';
import { PackUploader } from '../pack/pack-uploader.ts';
import type { DiskManifest, RecoveryPointManifest } from '../points/manifest.ts';
import { MANIFEST_VERSION } from '../points/manifest.ts';
import { diskChunkIds } from '../points/chunk-reader.ts';
import { listPointIds, loadPoint, savePoint } from '../points/point-store.ts';
import { hex, timeId } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';
import { writeDisk, type DiskProgress } from './disk-writer.ts';
import { FiemapToolReader, type ExtentMapReader } from './extent-map.ts';
import { openImage, unchanged, type ImageSource } from './image-source.ts';
import { planReuse, type PreviousSnapshot, type ReusePlan } from './reuse-plan.ts';

export interface ImageBackupOptions {
  readonly paths: readonly string[];
  readonly pool: ChunkWorkerPool;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Skip image files unchanged since the newest point that holds them (default true). */
  readonly skipUnchanged?: boolean;
  /**
   * Change tracking, by path being backed up: the earlier copy-on-write snapshot of the same disk
   * and its point. Chunks in extents both snapshots still share are not read (see reuse-plan.ts).
   */
  readonly previous?: Readonly<Record<string, PreviousSnapshot>>;
  /** How extent maps are read (default: FIEMAP through xfs_io or filefrag). */
  readonly extentMaps?: ExtentMapReader;
  /**
   * Return each disk's chunk ids as written, in `ImageBackupResult.chunkIds`: a machine writing
   * through the upload channel keeps them for the next backup's change tracking (`previous`).
   */
  readonly keepChunkIds?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DiskProgress & { disk: number; path: string }) => void;
  /** How the backup's `inflight/` marker is kept fresh (defaults suit production; tests shorten them). */
  readonly heartbeat?: HeartbeatOptions;
}

export interface ImageBackupResult {
  readonly manifest: RecoveryPointManifest;
  readonly packsStored: number;
  /**
   * With `keepChunkIds`: by path, the disk's chunk ids in disk order (32 bytes each), as the point
   * records them. A disk whose list was reused whole from an earlier point (an unchanged image
   * file) has none here: its ids were never in hand.
   */
  readonly chunkIds: ReadonlyMap<string, Uint8Array>;
}

const PARENT_SEARCH_LIMIT = 20;

/** The newest earlier disk entry for each path, looking back through at most a few points. */
async function previousDisks(repo: Repository, paths: readonly string[], signal?: AbortSignal): Promise<Map<string, DiskManifest>> {
  const found = new Map<string, DiskManifest>();
  const ids = (await listPointIds(repo, signal)).toReversed().slice(0, PARENT_SEARCH_LIMIT);
  for (const id of ids) {
    if (found.size === paths.length) break;
    const manifest = await loadPoint(repo, id, signal);
    for (const disk of manifest.disks) {
      if (disk.source && paths.includes(disk.source.path) && !found.has(disk.source.path)) found.set(disk.source.path, disk);
    }
  }
  return found;
}

/**
 * Chunks whose only copies sit in packs a prune has marked for deletion: stored again rather than
 * referenced. A chunk prune copied out of a marked pack (repacking) is held elsewhere too: the index
 * is told to send readers to that copy, and the chunk stays reusable. `marks` must have been read
 * before the index was loaded (see backupImages).
 */
function excludedChunks(marks: readonly PruneMark[], index: ChunkIndex): Set<string> {
  const marked = new Set(marks.flatMap((m) => m.packs));
  index.avoid(marked);
  const excluded = new Set<string>();
  for (const packId of marked) {
    for (const entry of index.packEntries(packId) ?? []) if (!index.heldOutside(hex(entry.id), marked)) excluded.add(hex(entry.id));
  }
  return excluded;
}

/**
 * True when none of a disk's chunks (pieces and data) sits in a pack prune has marked: only then may
 * its chunk list be reused without reading the disk. Reading the list costs 32 bytes per chunk.
 */
async function clearOfMarks(repo: Repository, pool: ChunkWorkerPool, index: ChunkIndex, disk: DiskManifest, excluded: ReadonlySet<string>, signal?: AbortSignal): Promise<boolean> {
  if (excluded.size === 0) return true;
  if (disk.refPieces.some((p) => excluded.has(p))) return false;
  for await (const id of diskChunkIds(repo, index, pool, disk.refPieces, signal)) if (excluded.has(hex(id))) return false;
  return true;
}

/** The change-tracking plan for a disk that has a hint; undefined when none was given. */
async function tracking(repo: Repository, options: ImageBackupOptions, shared: { index: ChunkIndex; uploader: PackUploader }, path: string, image: ImageSource): Promise<ReusePlan | undefined> {
  const hint = options.previous?.[path];
  if (hint === undefined) return undefined;
  const ctx = { repo, pool: options.pool, ...shared, extents: options.extentMaps ?? new FiemapToolReader(), ...(options.signal ? { signal: options.signal } : {}) };
  return planReuse(ctx, hint, image, repo.config.imageChunkSize);
}

/** Backs up each disk in turn into `uploader`, reusing unchanged image files' chunk lists. */
async function backupDisks(
  repo: Repository,
  options: ImageBackupOptions,
  uploader: PackUploader,
  index: ChunkIndex,
  previous: ReadonlyMap<string, DiskManifest>,
  excluded: ReadonlySet<string>,
): Promise<{ disks: DiskManifest[]; bytesRead: number; bytesNew: number; chunkIds: Map<string, Uint8Array> }> {
  const disks: DiskManifest[] = [];
  const chunkIds = new Map<string, Uint8Array>();
  let bytesRead = 0;
  let bytesNew = 0;
  for (const [n, path] of options.paths.entries()) {
    const image = await openImage(path);
    try {
      const before = previous.get(path);
      const reusable =
        before && unchanged(before.source, image.source) && before.chunkSize === repo.config.imageChunkSize && (await clearOfMarks(repo, options.pool, index, before, excluded, options.signal));
      if (reusable) {
        disks.push({ ...before, name: basename(path), reading: { bytesRead: 0, bytesSkipped: image.source.size } });
        options.onProgress?.({ disk: n, path, bytesDone: image.source.size, bytesTotal: image.source.size, bytesNew: 0 });
        continue;
      }
      const plan = await tracking(repo, options, { index, uploader }, path, image);
      const { bytesNew: diskNew, bytesRead: diskRead, chunkIds: ids, ...disk } = await writeDisk(basename(path), image, {
        pool: options.pool,
        uploader,
        chunkSize: repo.config.imageChunkSize,
        signal: options.signal,
        onProgress: (p) => options.onProgress?.({ disk: n, path, ...p }),
        ...(plan?.reuse ? { reuse: plan.reuse } : {}),
        ...(options.keepChunkIds ? { keepChunkIds: true } : {}),
      });
      if (ids) chunkIds.set(path, ids);
      const reading = { bytesRead: diskRead, bytesSkipped: image.source.size - diskRead, ...(plan?.reuse ? { previousPoint: plan.previousPoint } : plan ? { fullReadReason: plan.fullReadReason } : {}) };
      disks.push({ ...disk, reading });
      bytesRead += diskRead;
      bytesNew += diskNew;
    } finally {
      await image.handle.close();
    }
  }
  await uploader.flush();
  return { disks, bytesRead, bytesNew, chunkIds };
}

/**
 * Backs up disk images as one recovery point. Chunks land in packs as they fill (each pack with its
 * own index file), and the manifest is written last: until it exists the point does not, and what
 * was uploaded is simply reused by the next backup.
 */
export async function backupImages(repo: Repository, options: ImageBackupOptions): Promise<ImageBackupResult> {
  const started = performance.now();
  const inflight = await startInflight(repo, options.heartbeat);
  try {
    // The marks are read before the index: prune deletes a mark's packs before the mark, so a mark
    // already gone here had its packs deleted before loadIndex lists data/ (and they are left out of
    // the index), and one written after this read finds our marker and waits for us. Read the other
    // way round, a backup could load an index naming a pack, then miss the pack's mark, removed by a
    // sweep in between, and reference chunks that are gone.
    const marks = await pruneMarks(repo);
    // Only packs that exist count (see loadIndex): a backup never references a chunk in a pack that is gone.
    const index = await loadIndex(repo, options.signal);
    const excluded = excludedChunks(marks, index);
    const uploader = new PackUploader(repo, index, { signal: options.signal, excluded });
    const previous = options.skipUnchanged === false ? new Map<string, DiskManifest>() : await previousDisks(repo, options.paths, options.signal);
    const { disks, bytesRead, bytesNew, chunkIds } = await backupDisks(repo, options, uploader, index, previous, excluded).catch(async (error: unknown) => {
      await uploader.discard();
      throw error;
    });
    // A backup taken for dead may have lost data to prune meanwhile: then it records nothing.
    await inflight.stillHeld();
    const id = timeId(repo.clock.now(), randomBytes(4));
    const seconds = (performance.now() - started) / 1000;
    const draft = { version: MANIFEST_VERSION, id, time: inflight.startedAt.toISOString(), metadata: options.metadata ?? {}, disks };
    const manifestBytes = await savePoint(repo, { ...draft, stats: { bytesRead, bytesNew, bytesStored: uploader.bytesStored, seconds } }, options.signal);
    const manifest: RecoveryPointManifest = { ...draft, stats: { bytesRead, bytesNew, bytesStored: uploader.bytesStored + manifestBytes, seconds } };
    return { manifest, packsStored: uploader.packsStored, chunkIds };
  } finally {
    await inflight.stop().catch(() => undefined);
  }
}
