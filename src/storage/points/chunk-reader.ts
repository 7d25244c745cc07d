import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import type { ChunkIndex, ChunkLocation } from '../index/chunk-index.ts';
import { packKey, unhex } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';
import { idsOfPiece } from './ref-list.ts';

/**
 * Fetches one chunk from its pack, still sealed (a ranged read). When the pack is gone (prune
 * deleted it after copying its chunks elsewhere) the chunk's other known locations are tried;
 * RepositoryBlobNotFound when none is left, RepositoryChunkMissing when the index has none.
 */
export async function readSealedChunk(repo: Repository, index: ChunkIndex, id: string, signal?: AbortSignal): Promise<{ sealed: Uint8Array; location: ChunkLocation }> {
  const locations = index.locations(id);
  if (locations.length === 0) throw new ArcaError('RepositoryChunkMissing', { chunk: id, points: 'see `arca repo verify`' });
  for (const [n, location] of locations.entries()) {
    try {
      return { sealed: await repo.store.get(packKey(location.packId), { range: { offset: location.offset, length: location.length }, signal }), location };
    } catch (error) {
      if (!(isArcaError(error) && error.code === 'RepositoryBlobNotFound') || n === locations.length - 1) throw error;
    }
  }
  throw new ArcaError('RepositoryChunkMissing', { chunk: id, points: 'see `arca repo verify`' });
}

/** Fetches one chunk (readSealedChunk) and opens it on a worker. */
export async function readChunk(repo: Repository, index: ChunkIndex, pool: ChunkWorkerPool, id: string, signal?: AbortSignal): Promise<Uint8Array> {
  const { sealed, location } = await readSealedChunk(repo, index, id, signal);
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
