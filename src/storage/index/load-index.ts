import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import type { Repository } from '../repository/repository.ts';
import { indexKey, LAYOUT, nameOf } from '../repository/layout.ts';
import { ChunkIndex } from './chunk-index.ts';
import { decodeIndexFile, encodeIndexFile, indexFileName, type PackListing } from './index-file.ts';

/**
 * Reads every index file. An index file deleted by a concurrent prune is skipped, not an error. A
 * file that cannot be read throws, unless `onCorrupt` is given (verify), which then hears of it.
 */
export async function loadIndex(repo: Repository, signal?: AbortSignal, onCorrupt?: (error: ArcaError) => void): Promise<ChunkIndex> {
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
      const corrupt = isArcaError(error) ? error : new ArcaError('RepositoryMetadataCorrupt', { key: info.key, detail: (error as Error).message }, { cause: error });
      if (!onCorrupt) throw corrupt;
      onCorrupt(corrupt);
      continue;
    }
    for (const pack of packs) index.addPack(pack);
    index.files.add(nameOf(info.key));
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
