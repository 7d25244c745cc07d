import { open, stat } from 'node:fs/promises';
import { isArcaError } from '../../core/errors/index.ts';
import type { ChunkIndex } from '../index/chunk-index.ts';
import type { PackUploader } from '../pack/pack-uploader.ts';
import { diskChunkIds } from '../points/chunk-reader.ts';
import type { DiskManifest } from '../points/manifest.ts';
import { loadPoint } from '../points/point-store.ts';
import { isHole } from '../points/ref-list.ts';
import { hex } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';
import { changedRanges, unchangedChunks } from './changed-ranges.ts';
import type { ReuseLookup } from './changed-chunks.ts';
import { keptIds, keptIdsMismatch } from './kept-chunk-ids.ts';
import { ExtentMapError, type ExtentMapReader } from './extent-map.ts';
import type { ImageSource } from './image-source.ts';

/** The earlier copy-on-write snapshot of a disk, kept on this machine, and the point that backed it up. */
export interface PreviousSnapshot {
  readonly snapshotPath: string;
  /** Its disk entry is the one whose source path is `snapshotPath`. */
  readonly pointId: string;
  /**
   * That point's chunk ids for the disk, in disk order (32 bytes each), as the machine kept them
   * when it wrote the point (`ImageBackupResult.chunkIds`). Checked against the manifest's ref-list
   * pieces before any is used (kept-chunk-ids.ts). Without them the list is read from the packs,
   * which only a process opening the repository itself may do (not the upload channel).
   */
  readonly chunkIds?: Uint8Array;
  /** Set when the machine had kept ids but could not read them back: a full read with this reason. */
  readonly chunkIdsUnreadable?: string;
}

export interface ReuseContext {
  readonly repo: Repository;
  readonly index: ChunkIndex;
  readonly pool: ChunkWorkerPool;
  readonly uploader: PackUploader;
  readonly extents: ExtentMapReader;
  readonly signal?: AbortSignal;
}

export type ReusePlan =
  | { readonly reuse: ReuseLookup; readonly previousPoint: string; readonly unchangedChunks: number }
  | { readonly reuse?: undefined; readonly fullReadReason: string };

/** Not a failure: the reason the disk is read whole this time. */
class FullRead extends Error {}

const fullRead = (reason: string): never => {
  throw new FullRead(reason);
};

async function fileFacts(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fullRead(code === 'ENOENT' ? `the previous snapshot ${path} is gone` : `the previous snapshot ${path} cannot be read (${code})`);
  }
}

/** The earlier point's entry for the snapshot, if it describes the file exactly as it is now. */
async function previousDisk(ctx: ReuseContext, hint: PreviousSnapshot, image: ImageSource, chunkSize: number): Promise<DiskManifest> {
  const manifest = await loadPoint(ctx.repo, hint.pointId, ctx.signal).catch((error: unknown) =>
    isArcaError(error) && error.code === 'RecoveryPointNotFound' ? fullRead(`point ${hint.pointId} is not in this repository`) : Promise.reject(error),
  );
  const disk = manifest.disks.find((d) => d.source?.path === hint.snapshotPath) ?? fullRead(`point ${hint.pointId} has no disk read from ${hint.snapshotPath}`);
  const now = await fileFacts(hint.snapshotPath);
  const was = disk.source;
  if (!was || was.kind !== 'file' || was.ino !== now.ino || was.dev !== now.dev || was.size !== now.size || was.mtimeMs !== now.mtimeMs || was.ctimeMs !== now.ctimeMs) {
    fullRead(`the previous snapshot ${hint.snapshotPath} is not the file point ${hint.pointId} read (replaced or modified since)`);
  }
  if (now.dev !== image.source.dev) fullRead('the previous snapshot is on another file system');
  if (now.ino === image.source.ino) fullRead('the previous snapshot is the same file as this one: only a copy-on-write snapshot can vouch for unchanged blocks');
  if (now.size !== image.source.size) fullRead(`the disk changed size (${now.size} → ${image.source.size} bytes)`);
  if (disk.chunkSize !== chunkSize || disk.chunkCount !== Math.ceil(image.source.size / chunkSize)) fullRead('the previous point was cut into chunks of another size');
  return disk;
}

/** Flushes a file's dirty data, so that FIEMAP shows where the data is rather than delayed allocations. */
async function flush(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

type ChunkIdStream = { next(): Promise<IteratorResult<Uint8Array>> };

/**
 * The earlier point's chunk ids, streamed in disk order: the ones the machine kept, once the
 * manifest vouches for them, or else read from the packs. The first piece is read here, inside the
 * plan, so that a list this process may not read (the upload channel does not serve packs to
 * machines) or cannot read gives a full read with its reason instead of failing the backup.
 */
async function chunkIdsOf(ctx: ReuseContext, hint: PreviousSnapshot, disk: DiskManifest): Promise<ChunkIdStream> {
  if (hint.chunkIdsUnreadable !== undefined) fullRead(`the previous point's chunk ids kept on this machine could not be read (${hint.chunkIdsUnreadable})`);
  if (hint.chunkIds !== undefined) {
    const mismatch = keptIdsMismatch(ctx.repo.keys.chunkId, hint.chunkIds, disk);
    if (mismatch !== undefined) fullRead(`${mismatch}: they are not point ${hint.pointId}'s`);
    const kept = keptIds(hint.chunkIds);
    return { next: async () => kept.next() };
  }
  const ids = diskChunkIds(ctx.repo, ctx.index, ctx.pool, disk.refPieces, ctx.signal);
  let first: IteratorResult<Uint8Array>;
  try {
    first = await ids.next();
  } catch (error) {
    fullRead(`the previous point's chunk list could not be read (${(error as Error).message})`);
  }
  let taken = false;
  return {
    next: async () => {
      if (taken) return ids.next();
      taken = true;
      return first;
    },
  };
}

/** Hands out the earlier point's ids in disk order, for the chunks found unchanged that the repository still holds. */
function lookup(disk: DiskManifest, unchanged: Uint8Array, ids: ChunkIdStream, uploader: ReuseContext['uploader']): ReuseLookup {
  let position = -1;
  let current: Uint8Array | undefined;
  return async (index) => {
    if (unchanged[index] !== 1) return undefined;
    while (position < index) {
      const next = await ids.next();
      if (next.done) throw new Error(`point's chunk list ended at chunk ${position + 1}, ${disk.chunkCount} were recorded`);
      current = next.value;
      position++;
    }
    const id = (current as Uint8Array).slice();
    // A chunk in a pack that is gone, or that prune has marked, is read and stored again.
    return isHole(id) || uploader.has(hex(id)) ? id : undefined;
  };
}

/**
 * Change tracking from copy-on-write snapshots: when the previous snapshot of a disk is still on
 * the same file system, unchanged since its point read it, the chunks lying wholly in physical
 * extents the two snapshots still share (or in holes of both) keep the previous point's ids without
 * being read. Anything uncertain gives a full read with its reason; a wrong "unchanged" loses data.
 */
export async function planReuse(ctx: ReuseContext, hint: PreviousSnapshot, image: ImageSource, chunkSize: number): Promise<ReusePlan> {
  try {
    if (image.source.kind !== 'file') fullRead('change tracking works on image files only');
    const before = await fileFacts(hint.snapshotPath);
    const disk = await previousDisk(ctx, hint, image, chunkSize);
    await flush(hint.snapshotPath);
    await image.handle.datasync();
    const [previous, current] = await Promise.all([ctx.extents.read(hint.snapshotPath, image.source.size, ctx.signal), ctx.extents.read(image.source.path, image.source.size, ctx.signal)]);
    const after = await fileFacts(hint.snapshotPath);
    if (after.mtimeMs !== before.mtimeMs || after.ctimeMs !== before.ctimeMs || after.ino !== before.ino) fullRead('the previous snapshot changed while its extents were read');
    const unchanged = unchangedChunks(changedRanges(previous, current, image.source.size), image.source.size, chunkSize);
    const count = unchanged.reduce((sum, flag) => sum + flag, 0);
    if (count === 0) fullRead('no chunk lies wholly in extents the two snapshots share');
    return { reuse: lookup(disk, unchanged, await chunkIdsOf(ctx, hint, disk), ctx.uploader), previousPoint: hint.pointId, unchangedChunks: count };
  } catch (error) {
    if (error instanceof FullRead || error instanceof ExtentMapError) return { fullReadReason: error.message };
    throw error;
  }
}
