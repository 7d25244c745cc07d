import { randomBytes } from 'node:crypto';
import { roleAad, seal } from '../crypto/aead.ts';
import type { ChunkIndex } from '../index/chunk-index.ts';
import { writeIndexFile } from '../index/load-index.ts';
import { hex, packKey } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import type { SealedChunk } from '../workers/chunk-work.ts';
import { MemoryReleaser } from '../workers/release-memory.ts';
import { encodeTable, encodeTrailer, packHeader, type PackEntry } from './pack-format.ts';

interface OpenPack {
  buffer: Uint8Array;
  entries: PackEntry[];
  size: number;
}

/** Room kept free at the end of a pack buffer for the sealed table and the trailer. */
const TABLE_RESERVE = 1024 * 1024;

/**
 * Gathers sealed chunks into packs and stores them. Each pack is followed by an index file naming
 * only that pack: once both exist the chunks are reusable, so a backup killed at any moment loses at
 * most the packs still being assembled. Order per pack: pack first, then its index file, then the
 * in-memory index — a reader never finds an index entry whose pack is missing.
 */
export class PackUploader {
  readonly #repo: Repository;
  readonly #index: ChunkIndex;
  readonly #signal: AbortSignal | undefined;
  readonly #maxUploads: number;
  readonly #excluded: ReadonlySet<string>;
  /** Pack buffers are reused: one filling, the others being uploaded. */
  readonly #freeBuffers: Uint8Array[] = [];
  /** Sealed chunks are garbage once copied into the pack; this frees them promptly. */
  readonly #releaser = new MemoryReleaser();
  readonly #bufferSize: number;
  #open: OpenPack;
  /** Chunks accepted but not yet in the index, so a chunk repeated within a backup is stored once. */
  readonly #pending = new Set<string>();
  readonly #uploads = new Set<Promise<void>>();
  #failure: unknown;
  packsStored = 0;
  bytesStored = 0;

  /** `excluded`: chunks whose packs prune has marked for deletion; they are stored again. */
  constructor(repo: Repository, index: ChunkIndex, options: { signal?: AbortSignal; maxUploads?: number; excluded?: ReadonlySet<string> } = {}) {
    this.#repo = repo;
    this.#index = index;
    this.#signal = options.signal;
    this.#maxUploads = options.maxUploads ?? 1;
    this.#excluded = options.excluded ?? new Set();
    this.#bufferSize = repo.config.packTargetSize + Math.max(repo.config.imageChunkSize, 4 * 1024 * 1024) + TABLE_RESERVE + 64 * 1024;
    this.#open = this.#fresh();
  }

  /** True when the chunk is stored or on its way: the caller need not seal it. */
  has(id: string): boolean {
    return this.#pending.has(id) || (this.#index.has(id) && !this.#excluded.has(id));
  }

  async add(id: Uint8Array, chunk: SealedChunk): Promise<void> {
    this.#throwIfFailed();
    const key = hex(id);
    if (this.has(key)) return;
    this.#pending.add(key);
    if (this.#open.size + chunk.sealed.length + TABLE_RESERVE > this.#open.buffer.length) await this.#ship();
    const offset = this.#open.size;
    this.#open.buffer.set(chunk.sealed, offset);
    this.#open.entries.push({ id, offset, length: chunk.sealed.length, rawLength: chunk.rawLength, flags: chunk.flags });
    this.#open.size += chunk.sealed.length;
    this.#releaser.note(chunk.sealed.length);
    if (this.#open.size >= this.#repo.config.packTargetSize) await this.#ship();
  }

  /** Stores the last, partial pack and waits for every upload. */
  async flush(): Promise<void> {
    if (this.#open.entries.length > 0) await this.#ship();
    await Promise.all(this.#uploads);
    this.#throwIfFailed();
  }

  async #ship(): Promise<void> {
    // Swap before any await: concurrent adds must never reach a pack that is being shipped.
    const pack = this.#open;
    this.#open = this.#fresh();
    while (this.#uploads.size >= this.#maxUploads) await Promise.race(this.#uploads);
    this.#throwIfFailed();
    const upload = this.#store(pack)
      .catch((error: unknown) => {
        this.#failure ??= error;
      })
      .finally(() => this.#freeBuffers.push(pack.buffer));
    this.#uploads.add(upload);
    void upload.finally(() => this.#uploads.delete(upload));
  }

  async #store(pack: OpenPack): Promise<void> {
    const table = seal(this.#repo.keys.data, encodeTable(pack.entries), roleAad('pack-table'));
    const trailer = encodeTrailer(table.length);
    if (pack.size + table.length + trailer.length > pack.buffer.length) throw new Error(`pack table of ${table.length} bytes does not fit`);
    pack.buffer.set(table, pack.size);
    pack.buffer.set(trailer, pack.size + table.length);
    const bytes = pack.buffer.subarray(0, pack.size + table.length + trailer.length);
    // A random name, not a hash of the content: hashing 16 MiB on the main thread would take a core
    // away from the workers, and nothing needs the name to prove the content (every part is sealed).
    const packId = randomBytes(32);
    await this.#repo.store.put(packKey(packId.toString('hex')), bytes, { ifNotExists: true, signal: this.#signal });
    const listing = { packId: new Uint8Array(packId), entries: pack.entries };
    await writeIndexFile(this.#repo, [listing], this.#signal);
    this.#index.addPack(listing);
    for (const entry of pack.entries) this.#pending.delete(hex(entry.id));
    this.packsStored++;
    this.bytesStored += bytes.length;
  }

  #fresh(): OpenPack {
    const buffer = this.#freeBuffers.pop() ?? new Uint8Array(this.#bufferSize);
    const header = packHeader();
    buffer.set(header, 0);
    return { buffer, entries: [], size: header.length };
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }
}

