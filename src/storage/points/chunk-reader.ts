import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import type { ChunkIndex } from '../index/chunk-index.ts';
import { packKey, unhex } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';
import { idsOfPiece } from './ref-list.ts';

/**
 * Fetches one chunk from its pack (a ranged read) and opens it on a worker. When the pack is gone
 * (prune deleted it after copying its chunks elsewhere) the chunk's other known locations are tried.
 */
export async function readChunk(repo: Repository, index: ChunkIndex, pool: ChunkWorkerPool, id: string, signal?: AbortSignal): Promise<Uint8Array> {
  const locations = index.locations(id);
  if (locations.length === 0) throw new ArcaError('RepositoryChunkMissing', { chunk: id, points: 'see `arca repo verify`' });
  let sealed: Uint8Array | undefined;
  let location = locations[0] as (typeof locations)[number];
  for (const [n, candidate] of locations.entries()) {
    location = candidate;
    try {
      sealed = await repo.store.get(packKey(location.packId), { range: { offset: location.offset, length: location.length }, signal });
      break;
    } catch (error) {
      if (!(isArcaError(error) && error.code === 'RepositoryBlobNotFound') || n === locations.length - 1) throw error;
    }
  }
  if (!sealed) throw new ArcaError('RepositoryChunkMissing', { chunk: id, points: 'see `arca repo verify`' });
  try {
    return await pool.open(unhex(id), sealed, location.flags, location.rawLength);
  } catch (error) {
    throw new ArcaError('RepositoryDataCorrupt', { pack: location.packId, detail: `chunk ${id}: ${(error as Error).message}`, points: 'see `arca repo verify`' }, { cause: error });
  }
}

/** Every chunk id of a disk, in order, reading one ref-list piece at a time. */
export async function* diskChunkIds(repo: Repository, index: ChunkIndex, pool: ChunkWorkerPool, refPieces: readonly string[], signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  for (const pieceId of refPieces) {
    const piece = await readChunk(repo, index, pool, pieceId, signal);
    yield* idsOfPiece(piece);
  }
}
