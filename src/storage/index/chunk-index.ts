import { hex, unhex } from '../repository/layout.ts';
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
 * backups raced to upload it, or prune copied it out of a pack it is about to delete): `get` gives
 * one location, `locations` all of them, and `avoid` makes `get` prefer packs outside a set (those
 * prune has marked), so that a reader is not sent to a pack about to go while a copy exists.
 */
export class ChunkIndex {
  readonly #chunks = new Map<string, ChunkLocation>();
  /** Further locations of the chunks stored more than once; rare, so kept apart. */
  readonly #others = new Map<string, ChunkLocation[]>();
  readonly #packs = new Map<string, PackEntry[]>();
  /** Index files the listing came from, so prune can replace them. */
  readonly files = new Set<string>();
  /**
   * The packs each of those files lists, including packs left out of this index (not in the store):
   * prune deletes a file only when every pack it lists is accounted for.
   */
  readonly filePacks = new Map<string, readonly string[]>();
  duplicates = 0;

  addPack(listing: PackListing): void {
    const packId = hex(listing.packId);
    if (this.#packs.has(packId)) return;
    this.#packs.set(packId, [...listing.entries]);
    for (const entry of listing.entries) {
      const id = hex(entry.id);
      const location = { packId, offset: entry.offset, length: entry.length, rawLength: entry.rawLength, flags: entry.flags };
      if (!this.#chunks.has(id)) {
        this.#chunks.set(id, location);
        continue;
      }
      this.duplicates++;
      const others = this.#others.get(id);
      if (others) others.push(location);
      else this.#others.set(id, [location]);
    }
  }

  has(id: string): boolean {
    return this.#chunks.has(id);
  }

  get(id: string): ChunkLocation | undefined {
    return this.#chunks.get(id);
  }

  /** Every location of a chunk, the preferred one first. */
  locations(id: string): readonly ChunkLocation[] {
    const first = this.#chunks.get(id);
    return first ? [first, ...(this.#others.get(id) ?? [])] : [];
  }

  /** True when some copy of the chunk lies in a pack outside `packs`. */
  heldOutside(id: string, packs: ReadonlySet<string>): boolean {
    return this.locations(id).some((l) => !packs.has(l.packId));
  }

  /** Makes `get` answer with a location outside `packs` wherever the chunk has one. */
  avoid(packs: ReadonlySet<string>): void {
    if (packs.size === 0) return;
    for (const [id, others] of this.#others) {
      const first = this.#chunks.get(id) as ChunkLocation;
      if (!packs.has(first.packId)) continue;
      const better = others.findIndex((l) => !packs.has(l.packId));
      if (better < 0) continue;
      this.#chunks.set(id, others[better] as ChunkLocation);
      others[better] = first;
    }
  }

  /** A copy holding only the packs in `packs`, with the same index files behind it. */
  restrictedTo(packs: ReadonlySet<string>): ChunkIndex {
    const out = new ChunkIndex();
    for (const [packId, entries] of this.#packs) if (packs.has(packId)) out.addPack({ packId: unhex(packId), entries });
    for (const name of this.files) out.files.add(name);
    for (const [name, listed] of this.filePacks) out.filePacks.set(name, listed);
    return out;
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
