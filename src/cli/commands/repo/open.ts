import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ArcaError, invalidArgument } from '../../../core/errors/index.ts';
import { systemClock } from '../../../platform/system-clock.ts';
import { LocalFsBlobStore } from '../../../storage/blob/local-fs-blob-store.ts';
import { RetryingBlobStore } from '../../../storage/blob/retrying-blob-store.ts';
import type { BlobStore } from '../../../storage/blob/blob-store.ts';
import { Repository } from '../../../storage/repository/repository.ts';
import { ChunkWorkerPool } from '../../../storage/workers/worker-pool.ts';
import { readPassphrase } from '../../passphrase.ts';

function localStoreFor(dir: string | undefined): LocalFsBlobStore {
  if (!dir) throw invalidArgument('--repo', 'say where the repository is, e.g. --repo /srv/arca-repo');
  // Packs stream past the page cache where the file system allows (see storage/direct-io.ts).
  return new LocalFsBlobStore(resolve(dir), { directIo: true });
}

export function storeFor(dir: string | undefined): BlobStore {
  return new RetryingBlobStore(localStoreFor(dir));
}

export interface OpenRepository {
  readonly repo: Repository;
  readonly pool: ChunkWorkerPool;
  /** The folder store itself, for housekeeping only it can do (temporary files of killed writers). */
  readonly local: LocalFsBlobStore;
}

/** Opens the repository named by `--repo` and starts the workers; `fn` runs with both, then they close. */
export async function withRepository<T>(dir: string | undefined, fn: (open: OpenRepository) => Promise<T>): Promise<T> {
  const local = localStoreFor(dir);
  const store = new RetryingBlobStore(local);
  const passphrase = await readPassphrase(store.location, false);
  const repo = await Repository.open(store, { passphrase, clock: systemClock });
  const pool = new ChunkWorkerPool(repo.keys, repo.config.zstdLevel);
  try {
    return await fn({ repo, pool, local });
  } finally {
    await pool.close();

  }
}

/** Cancels long work on Ctrl-C, so that it stops at a safe point instead of mid-write. */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new ArcaError('OperationCancelled', { reason: 'interrupted with Ctrl-C' })));
  process.once('SIGTERM', () => controller.abort(new ArcaError('OperationCancelled', { reason: 'terminated' })));
  return controller.signal;
}

export const repoOption = (command: Command): Command =>
  command.requiredOption('--repo <dir>', 'repository folder (or ARCA_REPO)', process.env.ARCA_REPO);
