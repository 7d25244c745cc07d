import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import type { ChunkIndex, ChunkLocation } from '../index/chunk-index.ts';
import { isHole } from '../points/ref-list.ts';
import { hex, packKey } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import { releaseBuffer } from '../workers/release-memory.ts';
import { unwritable } from './image-target.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';

export interface RunMember {
  readonly id: Uint8Array;
  /** Where the chunk goes in the disk. */
  readonly at: number;
  readonly location: ChunkLocation;
}

/** Chunks that lie back to back in one pack: fetched with a single ranged read. */
export interface ChunkRun {
  readonly packId: string;
  readonly offset: number;
  readonly length: number;
  readonly members: readonly RunMember[];
}

export type DiskPiece = { readonly kind: 'hole'; readonly length: number } | ({ readonly kind: 'run' } & ChunkRun);

/**
 * Walks a disk's chunk ids in order and groups them: holes one by one, stored chunks into runs of
 * up to `maxRun` chunks that follow each other in the same pack. A backup writes a disk's new chunks
 * in disk order, so a restore mostly reads packs front to back in a few large reads.
 */
export async function* diskPieces(ids: AsyncIterable<Uint8Array>, index: ChunkIndex, chunkSize: number, diskSize: number, maxRun: number): AsyncGenerator<DiskPiece> {
  const expected = Math.ceil(diskSize / chunkSize);
  let count = 0;
  let run: RunMember[] = [];
  const finish = (): DiskPiece => {
    const first = run[0] as RunMember;
    const last = run[run.length - 1] as RunMember;
    const piece: DiskPiece = { kind: 'run', packId: first.location.packId, offset: first.location.offset, length: last.location.offset + last.location.length - first.location.offset, members: run };
    run = [];
    return piece;
  };
  let at = 0;
  for await (const id of ids) {
    if (++count > expected) break;
    const length = Math.min(chunkSize, diskSize - at);
    if (isHole(id)) {
      yield { kind: 'hole', length };
    } else {
      const location = index.get(hex(id));
      if (!location) throw new ArcaError('RepositoryChunkMissing', { chunk: hex(id), points: 'see `arca repo verify`' });
      const last = run[run.length - 1];
      if (last && (last.location.packId !== location.packId || last.location.offset + last.location.length !== location.offset || run.length >= maxRun)) yield finish();
      run.push({ id: id.slice(), at, location });
    }
    at += chunkSize;
  }
  if (run.length > 0) yield finish();
  // A chunk list that does not cover the disk exactly would restore zeros or garbage in silence.
  if (count !== expected) throw new ArcaError('RepositoryMetadataCorrupt', { key: 'chunk list', detail: `it has ${count} chunks where the disk needs ${expected}` });
}

/** The chunk's error when a worker could not open it; a failed write of the target stays what it is. */
function openFailure(run: ChunkRun, id: Uint8Array, target: string, error: unknown): ArcaError {
  if ((error as Error).name === 'TargetWriteError') return unwritable(target, error);
  return new ArcaError('RepositoryDataCorrupt', { pack: run.packId, detail: `chunk ${hex(id)}: ${(error as Error).message}`, points: 'see `arca repo verify`' }, { cause: error });
}

/**
 * Reads a run with one ranged read and has the workers open its chunks and write them into
 * `target` at their places, in parallel; resolves to the bytes of the chunks written.
 */
export async function restoreRun(repo: Repository, pool: ChunkWorkerPool, run: ChunkRun, target: string, signal?: AbortSignal): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = await repo.store.get(packKey(run.packId), { range: { offset: run.offset, length: run.length }, signal });
  } catch (error) {
    if (isArcaError(error) && error.code === 'RepositoryBlobNotFound') {
      throw new ArcaError('RepositoryChunkMissing', { chunk: hex(run.members[0]?.id ?? new Uint8Array()), points: 'see `arca repo verify`' }, { cause: error });
    }
    throw error;
  }
  const written = Promise.all(
    run.members.map(async ({ id, at, location }) => {
      const start = location.offset - run.offset;
      try {
        await pool.restore(id, bytes.subarray(start, start + location.length), location.flags, location.rawLength, target, at);
        return location.rawLength;
      } catch (error) {
        throw openFailure(run, id, target, error);
      }
    }),
  );
  // pool.restore has copied each chunk out by now, unless one chunk is the whole buffer and goes as it is.
  if (run.members.length > 1 || bytes.byteLength !== bytes.buffer.byteLength) releaseBuffer(bytes);
  return (await written).reduce((a, b) => a + b, 0);
}

/**
 * restoreRun, and when the run's pack has gone meanwhile (a prune deleted it after copying its
 * chunks into new packs), each chunk again from where `relocate` (a fresh index) puts it now.
 */
export async function restoreRunOrRelocate(
  repo: Repository,
  pool: ChunkWorkerPool,
  run: ChunkRun,
  target: string,
  relocate: (id: string) => Promise<ChunkLocation | undefined>,
  signal?: AbortSignal,
): Promise<number> {
  try {
    return await restoreRun(repo, pool, run, target, signal);
  } catch (error) {
    const gone = isArcaError(error) && error.code === 'RepositoryChunkMissing' && isArcaError(error.cause) && error.cause.code === 'RepositoryBlobNotFound';
    if (!gone) throw error;
    let written = 0;
    for (const member of run.members) {
      const location = await relocate(hex(member.id));
      if (!location || location.packId === run.packId) throw error;
      written += await restoreRun(repo, pool, { packId: location.packId, offset: location.offset, length: location.length, members: [{ ...member, location }] }, target, signal);
    }
    return written;
  }
}
