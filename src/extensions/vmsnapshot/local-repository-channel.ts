import { invalidArgument } from '../../core/errors/index.ts';
import { systemClock } from '../../platform/system-clock.ts';
import { LocalFsBlobStore } from '../../storage/blob/local-fs-blob-store.ts';
import { RetryingBlobStore } from '../../storage/blob/retrying-blob-store.ts';
import { Repository } from '../../storage/repository/repository.ts';
import { ChunkWorkerPool } from '../../storage/workers/worker-pool.ts';
import type { JsonObject } from '../host/settings-files.ts';
import { LocalRepositoryUploader, type Uploader } from './uploader.ts';

/**
 * The upload channel when the protected settings name a repository folder on this machine
 * (`localRepository: { path, passphrase }`): the vault's own host, and end-to-end tests. The
 * network channel with scoped credentials takes its place elsewhere.
 */
export async function localRepositoryChannel(protectedSettings: JsonObject): Promise<{ uploader: Uploader; close(): Promise<void> } | undefined> {
  const local = protectedSettings['localRepository'] as { path?: unknown; passphrase?: unknown } | undefined;
  if (local === undefined) return undefined;
  if (typeof local.path !== 'string' || typeof local.passphrase !== 'string') throw invalidArgument('protectedSettings.localRepository', 'it needs path and passphrase');
  const repo = await Repository.open(new RetryingBlobStore(new LocalFsBlobStore(local.path)), { passphrase: local.passphrase, clock: systemClock });
  const pool = new ChunkWorkerPool(repo.keys, repo.config.zstdLevel, 2);
  return { uploader: new LocalRepositoryUploader(repo, pool), close: () => pool.close() };
}
