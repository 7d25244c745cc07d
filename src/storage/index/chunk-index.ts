import { hex } from '../repository/layout.ts';
import type { PackEntry } from '../pack/pack-format.ts';
import type { PackListing } from './index-file.ts';

export interface ChunkLocation {
  readonly packId: string;
  readonly offset: number;
  readonly length: number;
  readonly rawLength: number;
  readonly flags: number;
}

/**
 * Where each chunk is stored, keyed by the chunk id in hex. A chunk may sit in several packs (two
 * backups raced to upload it); the index keeps the first location it learns and counts the rest.
 */
export class ChunkIndex {
  readonly #chunks = new Map<string, ChunkLocation>();
  readonly #packs = new Map<string, PackEntry[]>();
  /** Index files the listing came from, so prune can replace them. */
  readonly files = new Set<string>();
  duplicates = 0;

  addPack(listing: PackListing): void {
    const packId = hex(listing.packId);
    if (this.#packs.has(packId)) return;
    this.#packs.set(packId, [...listing.entries]);
    for (const entry of listing.entries) {
      const id = hex(entry.id);
      if (this.#chunks.has(id)) this.duplicates++;
      else this.#chunks.set(id, { packId, offset: entry.offset, length: entry.length, rawLength: entry.rawLength, flags: entry.flags });
    }
  }

  has(id: string): boolean {
    return this.#chunks.has(id);
  }

  get(id: string): ChunkLocation | undefined {
    return this.#chunks.get(id);
  }

  hasPack(packId: string): boolean {
    return this.#packs.has(packId);
  }

  packEntries(packId: string): readonly PackEntry[] | undefined {
    return this.#packs.get(packId);
  }

  packIds(): IterableIterator<string> {
    return this.#packs.keys();
  }

  get chunkCount(): number {
    return this.#chunks.size;
  }

  get packCount(): number {
    return this.#packs.size;
  }
}
