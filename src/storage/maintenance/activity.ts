import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isArcaError } from '../../core/errors/index.ts';
import { inflightKey, LAYOUT, pruneKey, timeId } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';

/**
 * Backups and prune coordinate through small marker objects instead of a lock, so any number of
 * backups can write at once. A running backup keeps `inflight/<id>` fresh; prune marks packs it means
 * to delete in `prune/<id>` and deletes them only once no backup that started before the mark is
 * still running. New backups treat marked packs as already gone and store those chunks again.
 */
export const HEARTBEAT_MS = 60_000;
/**
 * A marker not refreshed for this long belongs to a backup that died; it no longer holds prune back.
 * A marker of this host whose process is gone is dead at once.
 */
export const STALE_AFTER_MS = 30 * 60_000;

export interface InflightMarker {
  readonly id: string;
  readonly startedAt: string;
  readonly heartbeatAt: string;
  readonly host: string;
  readonly pid: number;
}

export interface PruneMark {
  readonly id: string;
  readonly markedAt: string;
  readonly packs: readonly string[];
}

export async function startInflight(repo: Repository): Promise<{ id: string; startedAt: Date; stop: () => Promise<void> }> {
  const startedAt = repo.clock.now();
  const id = timeId(startedAt, randomBytes(4));
  const write = () =>
    repo.store.put(inflightKey(id), repo.sealObject(inflightKey(id), {
      id,
      startedAt: startedAt.toISOString(),
      heartbeatAt: repo.clock.now().toISOString(),
      host: hostname(),
      pid: process.pid,
    } satisfies InflightMarker));
  await write();
  const timer = setInterval(() => void write().catch(() => undefined), HEARTBEAT_MS);
  timer.unref();
  return {
    id,
    startedAt,
    stop: async () => {
      clearInterval(timer);
      await repo.store.delete(inflightKey(id));
    },
  };
}

async function loadAll<T>(repo: Repository, prefix: string): Promise<T[]> {
  const out: T[] = [];
  for await (const info of repo.store.list(prefix)) {
    try {
      out.push(repo.openObject(info.key, await repo.store.get(info.key)) as T);
    } catch (error) {
      // Removed between list and get by the process that owned it.
      if (!(isArcaError(error) && error.code === 'RepositoryBlobNotFound')) throw error;
    }
  }
  return out;
}

/**
 * A marker whose process is known to be gone: written on this host by a process id that no longer
 * exists. (A reused process id keeps the marker alive until it goes stale: the safe mistake.)
 */
function deadHere(marker: InflightMarker): boolean {
  if (marker.host !== hostname() || marker.pid === process.pid) return false;
  try {
    process.kill(marker.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function isStale(marker: InflightMarker, now: number): boolean {
  return now - Date.parse(marker.heartbeatAt) >= STALE_AFTER_MS || deadHere(marker);
}

/** Backups still running: markers refreshed within STALE_AFTER_MS whose process is not known dead. */
export async function liveInflight(repo: Repository): Promise<InflightMarker[]> {
  const now = repo.clock.now().getTime();
  return (await loadAll<InflightMarker>(repo, LAYOUT.inflight)).filter((m) => !isStale(m, now));
}

export async function staleInflight(repo: Repository): Promise<InflightMarker[]> {
  const now = repo.clock.now().getTime();
  return (await loadAll<InflightMarker>(repo, LAYOUT.inflight)).filter((m) => isStale(m, now));
}

export async function pruneMarks(repo: Repository): Promise<PruneMark[]> {
  return loadAll<PruneMark>(repo, LAYOUT.prune);
}

export async function writePruneMark(repo: Repository, packs: readonly string[]): Promise<PruneMark> {
  const markedAt = repo.clock.now();
  const mark: PruneMark = { id: timeId(markedAt, randomBytes(4)), markedAt: markedAt.toISOString(), packs };
  await repo.saveObject(pruneKey(mark.id), mark);
  return mark;
}

export async function removePruneMark(repo: Repository, id: string): Promise<void> {
  await repo.store.delete(pruneKey(id));
}
