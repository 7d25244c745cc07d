import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { LAYOUT, nameOf, pointKey } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import { isManifest, MANIFEST_VERSION, type RecoveryPointManifest } from './manifest.ts';

/** Recovery point ids, oldest first (ids sort by time). */
export async function listPointIds(repo: Repository, signal?: AbortSignal): Promise<string[]> {
  const ids: string[] = [];
  for await (const info of repo.store.list(LAYOUT.points, { signal })) ids.push(nameOf(info.key));
  return ids.toSorted();
}

export async function loadPoint(repo: Repository, id: string, signal?: AbortSignal): Promise<RecoveryPointManifest> {
  let sealed: Uint8Array;
  try {
    sealed = await repo.store.get(pointKey(id), { signal });
  } catch (error) {
    if (isArcaError(error) && (error.code === 'RepositoryBlobNotFound' || error.code === 'UserErrorInvalidArgument')) {
      throw new ArcaError('RecoveryPointNotFound', { point: id }, { cause: error });
    }
    throw error;
  }
  const manifest = repo.openObject(pointKey(id), sealed);
  const version = (manifest as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > MANIFEST_VERSION) {
    throw new ArcaError('RepositoryVersionUnsupported', { location: repo.store.location, version, supported: MANIFEST_VERSION });
  }
  if (!isManifest(manifest) || manifest.id !== id) {
    throw new ArcaError('RepositoryMetadataCorrupt', { key: pointKey(id), detail: 'it is not a recovery point manifest of this id' });
  }
  return manifest;
}

export async function savePoint(repo: Repository, manifest: RecoveryPointManifest, signal?: AbortSignal): Promise<number> {
  const sealed = repo.sealObject(pointKey(manifest.id), manifest);
  await repo.store.put(pointKey(manifest.id), sealed, { ifNotExists: true, signal });
  return sealed.length;
}
