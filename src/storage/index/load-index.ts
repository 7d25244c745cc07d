import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import type { Repository } from '../repository/repository.ts';
import { hex, indexKey, LAYOUT, nameOf } from '../repository/layout.ts';
import { ChunkIndex } from './chunk-index.ts';
import { decodeIndexFile, encodeIndexFile, FormatVersionError, INDEX_FILE_VERSION, indexFileName, type PackListing } from './index-file.ts';

/** The packs in the store now, by id. */
export async function packsPresent(repo: Repository, signal?: AbortSignal): Promise<Set<string>> {
  const present = new Set<string>();
  for await (const info of repo.store.list(LAYOUT.data, { signal })) present.add(nameOf(info.key));
  return present;
}

/**
 * Reads every index file. An index file deleted by a concurrent prune is skipped, not an error. A
 * file that cannot be read throws, unless `onCorrupt` is given (verify), which then hears of it.
 * Entries of packs that are not in the store are left out (packs are listed first, unless the
 * caller passes its own listing): an old index file put back, or one a prune is replacing, then
 * cannot send a reader to a pack that is gone. `'any'` keeps every entry, for verify to report.
 */
export async function loadIndex(repo: Repository, signal?: AbortSignal, onCorrupt?: (error: ArcaError) => void, presentPacks?: ReadonlySet<string> | 'any'): Promise<ChunkIndex> {
  const present = presentPacks ?? (await packsPresent(repo, signal));
  const index = new ChunkIndex();
  for await (const info of repo.store.list(LAYOUT.index, { signal })) {
    let sealed: Uint8Array;
    try {
      sealed = await repo.store.get(info.key, { signal });
    } catch (error) {
      if (isArcaError(error) && error.code === 'RepositoryBlobNotFound') continue;
      throw error;
    }
    let packs: PackListing[];
    try {
      packs = decodeIndexFile(repo.openBytes(info.key, sealed));
    } catch (error) {
      const corrupt = isArcaError(error)
        ? error
        : error instanceof FormatVersionError
          ? new ArcaError('RepositoryVersionUnsupported', { location: repo.store.location, version: error.version, supported: INDEX_FILE_VERSION }, { cause: error })
          : new ArcaError('RepositoryMetadataCorrupt', { key: info.key, detail: (error as Error).message }, { cause: error });
      if (!onCorrupt) throw corrupt;
      onCorrupt(corrupt);
      continue;
    }
    for (const pack of packs) if (present === 'any' || present.has(hex(pack.packId))) index.addPack(pack);
    index.files.add(nameOf(info.key));
    index.filePacks.set(nameOf(info.key), packs.map((pack) => hex(pack.packId)));
  }
  return index;
}

/** Writes one index file for the given packs and returns its name. */
export async function writeIndexFile(repo: Repository, packs: readonly PackListing[], signal?: AbortSignal): Promise<string> {
  const body = encodeIndexFile(packs);
  const name = indexFileName(body);
  try {
    await repo.store.put(indexKey(name), repo.sealBytes(indexKey(name), body), { ifNotExists: true, signal });
  } catch (error) {
    // The same listing was written before (named by its content): nothing to do.
    if (!(isArcaError(error) && error.code === 'RepositoryBlobExists')) throw error;
  }
  return name;
}
