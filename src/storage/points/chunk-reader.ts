import { ArcaError } from '../../core/errors/index.ts';
import type { ChunkIndex } from '../index/chunk-index.ts';
import { packKey, unhex } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';
import { idsOfPiece } from './ref-list.ts';

/** Fetches one chunk from its pack (a ranged read) and opens it on a worker. */
export async function readChunk(repo: Repository, index: ChunkIndex, pool: ChunkWorkerPool, id: string, signal?: AbortSignal): Promise<Uint8Array> {
  const location = index.get(id);
  if (!location) throw new ArcaError('RepositoryChunkMissing', { chunk: id, points: 'see `arca repo verify`' });
  const sealed = await repo.store.get(packKey(location.packId), { range: { offset: location.offset, length: location.length }, signal });
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
