import { timingSafeEqual } from 'node:crypto';
import { open, seal } from '../crypto/aead.ts';
import { chunkId, type RepositoryKeys } from '../crypto/keys.ts';
import { compress, decompress } from '../compression.ts';
import { BLOB_FLAGS } from '../pack/pack-format.ts';
import { releaseBuffer } from './release-memory.ts';

/**
 * The CPU-heavy steps of the data path, written as plain functions so that they run the same in a
 * worker thread (chunk-worker.ts) and inline (tests, tiny repositories).
 */
export interface SealedChunk {
  readonly sealed: Uint8Array;
  readonly rawLength: number;
  readonly flags: number;
}

export function hashChunk(keys: RepositoryKeys, data: Uint8Array): Uint8Array {
  return chunkId(keys.chunkId, data);
}

export function sealChunk(keys: RepositoryKeys, zstdLevel: number, id: Uint8Array, data: Uint8Array): SealedChunk {
  const compressed = compress(data, zstdLevel);
  const sealed = seal(keys.data, compressed ?? data, id);
  if (compressed) releaseBuffer(compressed);
  return { sealed, rawLength: data.length, flags: compressed ? BLOB_FLAGS.compressed : 0 };
}

export class ChunkIdMismatchError extends Error {
  override name = 'ChunkIdMismatchError';
}

/**
 * Opens a stored chunk. The AEAD tag already proves the bytes were sealed for this id; `verifyId`
 * also recomputes the id from the plaintext, which is what `verify` does to catch a wrong key or a bug.
 */
export function openChunk(keys: RepositoryKeys, id: Uint8Array, sealed: Uint8Array, flags: number, rawLength: number, verifyId: boolean): Uint8Array {
  const body = open(keys.data, sealed, id);
  const data = flags & BLOB_FLAGS.compressed ? decompress(body, rawLength) : body;
  if (data !== body) releaseBuffer(body);
  if (data.length !== rawLength) throw new ChunkIdMismatchError(`chunk is ${data.length} bytes, the index says ${rawLength}`);
  if (verifyId && !timingSafeEqual(chunkId(keys.chunkId, data), id)) throw new ChunkIdMismatchError('content does not match its id');
  return data;
}
