import { isArcaError } from '../../core/errors/index.ts';
import { pruneRepository, type PruneReport } from '../../storage/maintenance/prune.ts';
import { forgetPoint } from '../../storage/points/forget.ts';
import type { Repository } from '../../storage/repository/repository.ts';
import { ChunkWorkerPool } from '../../storage/workers/worker-pool.ts';

/** What retention needs of the vault's repository. */
export interface VaultTier {
  /** Forgets a repository point; one that is gone already counts as forgotten. */
  forget(manifestId: string, signal?: AbortSignal): Promise<void>;
  /**
   * Deletes data no point needs, with the storage engine's two-phase prune, which never deletes what
   * a running backup wrote (its inflight markers); 'busy' when another prune holds the lease.
   */
  prune(signal?: AbortSignal): Promise<PruneReport | 'busy'>;
}

/** The vault tier on the vault's own repository, used as `arca repo prune` uses it. */
export function repositoryVaultTier(repo: Repository, options: { readonly workers?: number; readonly graceMs?: number } = {}): VaultTier {
  return {
    async forget(manifestId, signal) {
      try {
        await forgetPoint(repo, manifestId, signal);
      } catch (error) {
        if (!(isArcaError(error) && error.code === 'RecoveryPointNotFound')) throw error;
      }
    },
    async prune(signal) {
      // Prune reads every point's chunk list through the workers; a small pool, closed after each run.
      const pool = new ChunkWorkerPool(repo.keys, repo.config.zstdLevel, options.workers ?? 2);
      try {
        return await pruneRepository(repo, pool, { ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }), ...(signal ? { signal } : {}) });
      } catch (error) {
        if (isArcaError(error) && error.code === 'RepositoryPruneRunning') return 'busy';
        throw error;
      } finally {
        await pool.close();
      }
    },
  };
}
