import { loadIndex, writeIndexFile } from '../index/load-index.ts';
import type { PackListing } from '../index/index-file.ts';
import { indexKey, LAYOUT, nameOf, unhex } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import { readPackTable } from './pack-table.ts';

export interface RebuildReport {
  readonly packs: number;
  readonly unreadable: readonly { pack: string; reason: string }[];
  readonly indexFilesReplaced: number;
}

/**
 * Rebuilds the index from the packs alone: reads each pack's trailer and table (two ranged reads),
 * writes one index file listing every pack, then removes the index files it replaces. The index
 * files to replace are listed first, so one written by a backup meanwhile stays; a pack whose table
 * cannot be read keeps the entries the old index had for it, so rebuilding never loses what it
 * cannot see.
 */
export async function rebuildIndex(repo: Repository, signal?: AbortSignal): Promise<RebuildReport> {
  const old = new Set<string>();
  for await (const info of repo.store.list(LAYOUT.index, { signal })) old.add(nameOf(info.key));
  const previous = await loadIndex(repo, signal, () => undefined, 'any');
  const listings: PackListing[] = [];
  const unreadable: { pack: string; reason: string }[] = [];
  for await (const info of repo.store.list(LAYOUT.data, { signal })) {
    const packId = nameOf(info.key);
    try {
      listings.push({ packId: unhex(packId), entries: await readPackTable(repo, packId, info.size, signal) });
    } catch (error) {
      unreadable.push({ pack: packId, reason: (error as Error).message });
      const known = previous.packEntries(packId);
      if (known) listings.push({ packId: unhex(packId), entries: known });
    }
  }
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
