import { open as openSealed, roleAad } from '../crypto/aead.ts';
import { loadIndex, writeIndexFile } from '../index/load-index.ts';
import type { PackListing } from '../index/index-file.ts';
import { decodeTable, decodeTrailer, PACK_TRAILER_BYTES } from '../pack/pack-format.ts';
import { indexKey, LAYOUT, nameOf, packKey, unhex } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';

export interface RebuildReport {
  readonly packs: number;
  readonly unreadable: readonly { pack: string; reason: string }[];
  readonly indexFilesReplaced: number;
}

/**
 * Rebuilds the index from the packs alone: reads each pack's trailer and table (two ranged reads),
 * writes one index file listing every readable pack, then removes the index files it replaces.
 */
export async function rebuildIndex(repo: Repository, signal?: AbortSignal): Promise<RebuildReport> {
  const listings: PackListing[] = [];
  const unreadable: { pack: string; reason: string }[] = [];
  for await (const info of repo.store.list(LAYOUT.data, { signal })) {
    const packId = nameOf(info.key);
    try {
      const trailer = await repo.store.get(packKey(packId), { range: { offset: info.size - PACK_TRAILER_BYTES, length: PACK_TRAILER_BYTES }, signal });
      const tableLength = decodeTrailer(trailer);
      const sealed = await repo.store.get(packKey(packId), { range: { offset: info.size - PACK_TRAILER_BYTES - tableLength, length: tableLength }, signal });
      listings.push({ packId: unhex(packId), entries: decodeTable(openSealed(repo.keys.data, sealed, roleAad('pack-table'))) });
    } catch (error) {
      unreadable.push({ pack: packId, reason: (error as Error).message });
    }
  }
  const old = new Set<string>();
  for await (const info of repo.store.list(LAYOUT.index, { signal })) old.add(nameOf(info.key));
  const written = await writeIndexFile(repo, listings, signal);
  old.delete(written);
  for (const name of old) await repo.store.delete(indexKey(name), { signal });
  return { packs: listings.length, unreadable, indexFilesReplaced: old.size };
}

export interface RepositoryStats {
  readonly id: string;
  readonly location: string;
  readonly points: number;
  readonly packs: number;
  readonly chunks: number;
  readonly storedBytes: number;
  readonly indexFiles: number;
}

export async function repositoryStats(repo: Repository, signal?: AbortSignal): Promise<RepositoryStats> {
  const index = await loadIndex(repo, signal);
  let storedBytes = 0;
  let packs = 0;
  for await (const info of repo.store.list(LAYOUT.data, { signal })) {
    storedBytes += info.size;
    packs++;
  }
  let points = 0;
  for await (const _ of repo.store.list(LAYOUT.points, { signal })) points++;
  return { id: repo.config.id, location: repo.store.location, points, packs, chunks: index.chunkCount, storedBytes, indexFiles: index.files.size };
}
