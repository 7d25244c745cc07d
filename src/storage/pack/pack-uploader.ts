import { createHash } from 'node:crypto';
import { isArcaError } from '../../core/errors/index.ts';
import { roleAad, seal } from '../crypto/aead.ts';
import type { ChunkIndex } from '../index/chunk-index.ts';
import { writeIndexFile } from '../index/load-index.ts';
import { hex, packKey } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import type { SealedChunk } from '../workers/chunk-work.ts';
import { encodeTable, encodeTrailer, packHeader, type PackEntry } from './pack-format.ts';

interface OpenPack {
  parts: Uint8Array[];
  entries: PackEntry[];
  size: number;
}

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
  #open: OpenPack = fresh();
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
    this.#maxUploads = options.maxUploads ?? 2;
    this.#excluded = options.excluded ?? new Set();
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
    const offset = this.#open.size;
    this.#open.parts.push(chunk.sealed);
    this.#open.entries.push({ id, offset, length: chunk.sealed.length, rawLength: chunk.rawLength, flags: chunk.flags });
    this.#open.size += chunk.sealed.length;
    if (this.#open.size >= this.#repo.config.packTargetSize) await this.#ship();
  }

  /** Stores the last, partial pack and waits for every upload. */
  async flush(): Promise<void> {
    if (this.#open.entries.length > 0) await this.#ship();
    await Promise.all(this.#uploads);
    this.#throwIfFailed();
  }

  async #ship(): Promise<void> {
    const pack = this.#open;
    this.#open = fresh();
    while (this.#uploads.size >= this.#maxUploads) await Promise.race(this.#uploads);
    this.#throwIfFailed();
    const upload = this.#store(pack).catch((error: unknown) => {
      this.#failure ??= error;
    });
    this.#uploads.add(upload);
    void upload.finally(() => this.#uploads.delete(upload));
  }

  async #store(pack: OpenPack): Promise<void> {
    const table = seal(this.#repo.keys.data, encodeTable(pack.entries), roleAad('pack-table'));
    const bytes = concat([...pack.parts, table, encodeTrailer(table.length)], pack.size + table.length + 12);
    const packId = createHash('sha256').update(bytes).digest();
    const key = packKey(packId.toString('hex'));
    try {
      await this.#repo.store.put(key, bytes, { ifNotExists: true, signal: this.#signal });
    } catch (error) {
      // Packs are named by their content: an existing pack of that name holds these very bytes.
      if (!(isArcaError(error) && error.code === 'RepositoryBlobExists')) throw error;
    }
    const listing = { packId: new Uint8Array(packId), entries: pack.entries };
    await writeIndexFile(this.#repo, [listing], this.#signal);
    this.#index.addPack(listing);
    for (const entry of pack.entries) this.#pending.delete(hex(entry.id));
    this.packsStored++;
    this.bytesStored += bytes.length;
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }
}

function fresh(): OpenPack {
  const header = packHeader();
  return { parts: [header], entries: [], size: header.length };
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
