import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { POINT_METADATA } from '../../protocol/index.ts';
import type { RestorePointLayout } from '../../protocol/upload-channel.ts';
import type { ChunkIndex } from '../../storage/index/chunk-index.ts';
import { readSealedChunk } from '../../storage/points/chunk-reader.ts';
import { loadIndex } from '../../storage/index/load-index.ts';
import { loadPoint } from '../../storage/points/point-store.ts';
import { isHole, REFS_PER_PIECE } from '../../storage/points/ref-list.ts';
import type { RecoveryPointManifest } from '../../storage/points/manifest.ts';
import { CHUNK_ID_BYTES } from '../../storage/crypto/keys.ts';
import { hex, unhex } from '../../storage/repository/layout.ts';
import type { Repository } from '../../storage/repository/repository.ts';
import { openChunk } from '../../storage/workers/chunk-work.ts';

/** A chunk as stored: sealed, with what opens it. */
export interface SealedChunkAnswer {
  readonly id: string;
  readonly sealed: Uint8Array;
  readonly flags: number;
  readonly rawLength: number;
}

/** A small map that forgets its oldest entry past `limit`. */
class Recent<V> {
  readonly #entries = new Map<string, V>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.#limit) this.#entries.delete(this.#entries.keys().next().value as string);
  }
}

/**
 * Reads recovery points back out of the vault's repository for a machine restoring over its own
 * disks (restore-read-routes.ts). Everything is addressed by position inside one point — its disks,
 * each disk's chunk-list pieces, the chunk at position i — so a caller can reach only the data of a
 * point it was allowed to open. Manifests and pieces (at most 4 MiB each) are kept for a few points;
 * the chunk index is loaded once and loaded again only when it is stale: a chunk is not in it (a
 * newer backup) or its pack is gone (a prune repacked it).
 */
export class RestorePointReader {
  readonly #repo: () => Promise<Repository>;
  readonly #manifests = new Recent<RecoveryPointManifest>(16);
  readonly #pieces = new Recent<Uint8Array>(8);
  #index: Promise<ChunkIndex> | undefined;
  /** How many times the index was loaded again after it went stale (for tests and diagnostics). */
  indexLoads = 0;

  constructor(repo: () => Promise<Repository>) {
    this.#repo = repo;
  }

  /** The point's manifest, refused unless the machine backed it up. */
  async pointOf(machineId: string, pointId: string): Promise<RecoveryPointManifest> {
    let manifest = this.#manifests.get(pointId);
    if (manifest === undefined) {
      manifest = await loadPoint(await this.#repo(), pointId);
      this.#manifests.set(pointId, manifest);
    }
    const owner = manifest.metadata[POINT_METADATA.machineId];
    if (owner === undefined || owner.toLowerCase() !== machineId.toLowerCase()) throw new ArcaError('UserErrorRestorePointOfAnotherMachine', { machineId, point: pointId });
    return manifest;
  }

  layout(manifest: RecoveryPointManifest): RestorePointLayout {
    return {
      pointId: manifest.id,
      disks: manifest.disks.map((disk) => ({ name: disk.name, size: disk.size, chunkSize: disk.chunkSize, chunkCount: disk.chunkCount, refPieces: disk.refPieces.length })),
    };
  }

  /** Piece `n` of disk `d`'s chunk list, opened: consecutive 32-byte ids. */
  async refPiece(manifest: RecoveryPointManifest, d: number, n: number): Promise<Uint8Array> {
    const pieceId = diskOf(manifest, d).refPieces[n];
    if (pieceId === undefined) throw new ArcaError('RestoreReadOutsidePoint', { point: manifest.id, what: `chunk-list piece ${n} of disk ${d}` });
    const key = `${manifest.id}/${d}/${n}`;
    const cached = this.#pieces.get(key);
    if (cached !== undefined) return cached;
    const chunk = await this.#sealed(pieceId);
    const repo = await this.#repo();
    const piece = openChunk(repo.keys, unhex(pieceId), chunk.sealed, chunk.flags, chunk.rawLength, false);
    this.#pieces.set(key, piece);
    return piece;
  }

  /** Chunk `i` of disk `d`, sealed as stored. A hole has no chunk: the caller writes zeros. */
  async chunk(manifest: RecoveryPointManifest, d: number, i: number): Promise<SealedChunkAnswer> {
    const disk = diskOf(manifest, d);
    if (!Number.isSafeInteger(i) || i < 0 || i >= disk.chunkCount) throw new ArcaError('RestoreReadOutsidePoint', { point: manifest.id, what: `chunk ${i} of disk ${d} (it has ${disk.chunkCount})` });
    const piece = await this.refPiece(manifest, d, Math.floor(i / REFS_PER_PIECE));
    const at = (i % REFS_PER_PIECE) * CHUNK_ID_BYTES;
    const id = piece.subarray(at, at + CHUNK_ID_BYTES);
    if (id.length !== CHUNK_ID_BYTES) throw new ArcaError('RestoreReadOutsidePoint', { point: manifest.id, what: `chunk ${i} of disk ${d}` });
    if (isHole(id)) throw new ArcaError('RestoreReadOutsidePoint', { point: manifest.id, what: `stored data at chunk ${i} of disk ${d}: it was all zeros and is a hole` });
    return this.#sealed(hex(id));
  }

  /**
   * A chunk as stored, read through the chunk index. The index is kept between requests, so it can
   * be stale in two ways: a chunk is not in it (a newer backup), or its pack is gone (a prune
   * repacked it). Either way the index is loaded again once — concurrent requests that saw the same
   * stale index share that one load — and the read is tried again.
   */
  async #sealed(id: string): Promise<SealedChunkAnswer> {
    const seen = (this.#index ??= this.#loadIndex());
    const repo = await this.#repo();
    let read: Awaited<ReturnType<typeof readSealedChunk>>;
    try {
      read = await readSealedChunk(repo, await seen, id);
    } catch (error) {
      const stale = isArcaError(error) && (error.code === 'RepositoryBlobNotFound' || error.code === 'RepositoryChunkMissing');
      if (!stale) throw error;
      read = await readSealedChunk(repo, await this.#reload(seen), id);
    }
    return { id, sealed: read.sealed, flags: read.location.flags, rawLength: read.location.rawLength };
  }

  /** A fresh index in place of `seen`, loaded once however many requests found `seen` stale. */
  #reload(seen: Promise<ChunkIndex>): Promise<ChunkIndex> {
    if (this.#index === seen || this.#index === undefined) {
      this.#index = this.#loadIndex();
      this.indexLoads += 1;
    }
    return this.#index;
  }

  #loadIndex(): Promise<ChunkIndex> {
    const loading = this.#repo().then((repo) => loadIndex(repo));
    // A failed load is not kept: the next call tries again.
    loading.catch(() => {
      if (this.#index === loading) this.#index = undefined;
    });
    return loading;
  }
}

function diskOf(manifest: RecoveryPointManifest, d: number): RecoveryPointManifest['disks'][number] {
  const disk = Number.isSafeInteger(d) && d >= 0 ? manifest.disks[d] : undefined;
  if (disk === undefined) throw new ArcaError('RestoreReadOutsidePoint', { point: manifest.id, what: `disk ${d} (it has ${manifest.disks.length})` });
  return disk;
}
