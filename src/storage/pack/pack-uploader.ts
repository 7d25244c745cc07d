import { randomBytes } from 'node:crypto';
import type { BlobWriter } from '../blob/blob-store.ts';
import { roleAad, seal } from '../crypto/aead.ts';
import type { ChunkIndex } from '../index/chunk-index.ts';
import type { PackListing } from '../index/index-file.ts';
import { writeIndexFile } from '../index/load-index.ts';
import { hex, indexKey, packKey } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import type { SealedChunk } from '../workers/chunk-work.ts';
import { releaseBuffer } from '../workers/release-memory.ts';
import { encodeTable, encodeTrailer, packHeader, type PackEntry } from './pack-format.ts';

interface OpenPack {
  readonly packId: Uint8Array;
  readonly writer: Promise<BlobWriter>;
  /** The last write queued; writes to one pack happen one after another, in offset order. */
  tail: Promise<void>;
  readonly entries: PackEntry[];
  size: number;
}

/**
 * Streams sealed chunks into pack files and indexes them. Chunks are written to the store as they
 * come, so no pack is ever held in memory. When a pack reaches its target size it is finished (its
 * sealed table and trailer written, then committed) and an index file naming only that pack follows:
 * once both exist the chunks are reusable, so a backup killed at any moment loses at most the packs
 * still open. Order per pack: pack, then its index file, then the in-memory index — a reader never
 * finds an index entry whose pack is missing.
 */
export class PackUploader {
  readonly #repo: Repository;
  readonly #index: ChunkIndex;
  readonly #signal: AbortSignal | undefined;
  readonly #maxFinishing: number;
  readonly #excluded: ReadonlySet<string>;
  /** Chunks accepted but not yet in the index, so a chunk repeated within a backup is stored once. */
  readonly #pending = new Set<string>();
  readonly #finishing = new Set<Promise<void>>();
  #open: OpenPack | undefined;
  #failure: unknown;
  /** The packs this uploader stored and the index file written for each, merged at flush. */
  readonly #stored: { listing: PackListing; indexFile: string }[] = [];
  packsStored = 0;
  bytesStored = 0;

  /** `excluded`: chunks whose packs prune has marked for deletion; they are stored again. */
  constructor(repo: Repository, index: ChunkIndex, options: { signal?: AbortSignal; maxFinishing?: number; excluded?: ReadonlySet<string> } = {}) {
    this.#repo = repo;
    this.#index = index;
    this.#signal = options.signal;
    this.#maxFinishing = options.maxFinishing ?? 1;
    this.#excluded = options.excluded ?? new Set();
  }

  /** True when the chunk is stored or on its way: the caller need not seal it. */
  has(id: string): boolean {
    return this.#pending.has(id) || (this.#index.has(id) && !this.#excluded.has(id));
  }

  /**
   * Queues the chunk's bytes into the open pack; resolves once they are written, for backpressure.
   * The uploader owns `chunk.sealed` from then on and frees it once written (see release-memory.ts).
   */
  async add(id: Uint8Array, chunk: SealedChunk): Promise<void> {
    const key = hex(id);
    if (this.#failure !== undefined || this.has(key)) {
      releaseBuffer(chunk.sealed);
      this.#throwIfFailed();
      return;
    }
    this.#pending.add(key);
    const pack = (this.#open ??= this.#start());
    pack.entries.push({ id, offset: pack.size, length: chunk.sealed.length, rawLength: chunk.rawLength, flags: chunk.flags });
    pack.size += chunk.sealed.length;
    const written = this.#append(pack, chunk.sealed);
    // Freed once the write settles either way: a write is never tried again with the same bytes.
    void written.then(
      () => releaseBuffer(chunk.sealed),
      () => releaseBuffer(chunk.sealed),
    );
    if (pack.size >= this.#repo.config.packTargetSize) {
      // Detach before any await: concurrent adds must never reach a pack that is being finished.
      this.#open = undefined;
      await written;
      await this.#finishInBackground(pack);
    } else {
      await written;
    }
  }

  /**
   * Finishes the last, partial pack and waits for every pack and index file. Then the per-pack index
   * files become one, so that a repository keeps about one index file per backup: the merged file
   * is written before the small ones go, and a crash between the two only leaves duplicates.
   */
  async flush(): Promise<void> {
    const last = this.#open;
    this.#open = undefined;
    if (last) await this.#finishInBackground(last);
    await Promise.all(this.#finishing);
    this.#throwIfFailed();
    if (this.#stored.length < 2) return;
    const merged = await writeIndexFile(this.#repo, this.#stored.map((s) => s.listing), this.#signal);
    for (const { indexFile } of this.#stored) if (indexFile !== merged) await this.#repo.store.delete(indexKey(indexFile), { signal: this.#signal });
  }

  /** After a failed backup: drops the open pack, so that it leaves no temporary object behind. */
  async discard(): Promise<void> {
    // Chunks still on their way from the workers must not open a new pack after this.
    this.#failure ??= new Error('the backup was abandoned');
    const open = this.#open;
    this.#open = undefined;
    await (await open?.writer.catch(() => undefined))?.abort().catch(() => undefined);
    await Promise.allSettled(this.#finishing);
  }

  #start(): OpenPack {
    const packId = new Uint8Array(randomBytes(32));
    // A random name, not a hash of the content: hashing on the main thread would take a core from the
    // workers, and nothing needs the name to prove the content (every part of a pack is sealed).
    const writer = this.#repo.store.create(packKey(hex(packId)), { ifNotExists: true, signal: this.#signal });
    const header = packHeader();
    const pack: OpenPack = { packId, writer, tail: Promise.resolve(), entries: [], size: header.length };
    void this.#append(pack, header).catch(() => undefined);
    return pack;
  }

  #append(pack: OpenPack, bytes: Uint8Array): Promise<void> {
    pack.tail = pack.tail.then(async () => (await pack.writer).write(bytes));
    return pack.tail;
  }

  async #finishInBackground(pack: OpenPack): Promise<void> {
    while (this.#finishing.size >= this.#maxFinishing) await Promise.race(this.#finishing);
    this.#throwIfFailed();
    const finishing = this.#finish(pack)
      .catch(async (error: unknown) => {
        this.#failure ??= error;
        await (await pack.writer.catch(() => undefined))?.abort().catch(() => undefined);
      })
      .finally(() => this.#finishing.delete(finishing));
    this.#finishing.add(finishing);
  }

  async #finish(pack: OpenPack): Promise<void> {
    const table = seal(this.#repo.keys.data, encodeTable(pack.entries), roleAad('pack-table', hex(pack.packId)));
    this.#append(pack, table);
    await this.#append(pack, encodeTrailer(table.length));
    await (await pack.writer).commit();
    const listing = { packId: pack.packId, entries: pack.entries };
    const indexFile = await writeIndexFile(this.#repo, [listing], this.#signal);
    this.#stored.push({ listing, indexFile });
    this.#index.addPack(listing);
    for (const entry of pack.entries) this.#pending.delete(hex(entry.id));
    this.packsStored++;
    this.bytesStored += pack.size + table.length + 12;
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }
}
