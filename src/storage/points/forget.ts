import { pointKey } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import { loadPoint } from './point-store.ts';

/**
 * Removes a recovery point's manifest. Its data stays until `prune` finds no other point needs it;
 * this is how retention drops points without touching shared chunks.
 */
export async function forgetPoint(repo: Repository, id: string, signal?: AbortSignal): Promise<void> {
  await loadPoint(repo, id, signal);
  await repo.store.delete(pointKey(id), { signal });
}
