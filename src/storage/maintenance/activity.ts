import { randomBytes } from 'node:crypto';
import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { inflightKey, LAYOUT, pruneKey, timeId } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import { isGone, selfIdentity, type ProcessIdentity } from './process-identity.ts';

/**
 * Backups and prune coordinate through small marker objects instead of a lock, so any number of
 * backups can write at once. A running backup keeps `inflight/<id>` fresh; prune marks packs it means
 * to delete in `prune/<id>` and deletes them only once no backup that started before the mark is
 * still running. New backups treat marked packs as already gone and store those chunks again. One
 * prune at a time holds `locks/prune`.
 */
export const HEARTBEAT_MS = 60_000;
/**
 * A marker not refreshed for this long belongs to a process that died (or was paused, or whose clock
 * is far off); it no longer holds prune back, and prune deletes it before deleting any data. A
 * backup checks that its marker is still there before it records its point, so a backup declared
 * dead never records a point whose data prune may have removed.
 */
export const STALE_AFTER_MS = 30 * 60_000;

export interface InflightMarker extends ProcessIdentity {
  readonly id: string;
  readonly startedAt: string;
  readonly heartbeatAt: string;
}

export interface PruneMark {
  readonly id: string;
  readonly markedAt: string;
  readonly packs: readonly string[];
}

export interface Claim {
  readonly id: string;
  readonly startedAt: Date;
  /** Throws RepositoryBackupInterrupted when the marker was removed by someone who took it for dead. */
  stillHeld(): Promise<void>;
  stop(): Promise<void>;
}

/** Writes a marker under `key` and keeps it fresh until stopped; `ifNotExists` makes it a lease. */
async function claim(repo: Repository, key: (id: string) => string, id: string, ifNotExists: boolean): Promise<Claim> {
  const startedAt = repo.clock.now();
  const identity = await selfIdentity();
  const marker = (): InflightMarker => ({ ...identity, id, startedAt: startedAt.toISOString(), heartbeatAt: repo.clock.now().toISOString() });
  await repo.store.put(key(id), repo.sealObject(key(id), marker()), { ifNotExists });
  const timer = setInterval(() => void repo.store.put(key(id), repo.sealObject(key(id), marker())).catch(() => undefined), HEARTBEAT_MS);
  timer.unref();
  return {
    id,
    startedAt,
    stillHeld: async () => {
      if (!(await repo.store.stat(key(id)))) throw new ArcaError('RepositoryBackupInterrupted', { id });
    },
    stop: async () => {
      clearInterval(timer);
      await repo.store.delete(key(id));
    },
  };
}

export function startInflight(repo: Repository): Promise<Claim> {
  return claim(repo, inflightKey, timeId(repo.clock.now(), randomBytes(4)), false);
}

const PRUNE_LEASE = 'locks/prune';

/** Takes the prune lease, clearing one left by a dead prune; refuses while another prune runs. */
export async function takePruneLease(repo: Repository): Promise<Claim> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await claim(repo, () => PRUNE_LEASE, 'prune', true);
    } catch (error) {
      if (!(isArcaError(error) && error.code === 'RepositoryBlobExists') || attempt > 0) throw error;
    }
    const holder = (await loadAll<InflightMarker>(repo, PRUNE_LEASE))[0];
    if (holder && !(await isStale(holder, repo.clock.now().getTime()))) {
      throw new ArcaError('RepositoryPruneRunning', { host: holder.host, since: holder.startedAt });
    }
    await repo.store.delete(PRUNE_LEASE);
  }
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

async function isStale(marker: InflightMarker, now: number): Promise<boolean> {
  return now - Date.parse(marker.heartbeatAt) >= STALE_AFTER_MS || (await isGone(marker));
}

/** Running backups and those taken for dead (whose markers prune removes before deleting data). */
export async function backupsInflight(repo: Repository): Promise<{ live: InflightMarker[]; stale: InflightMarker[] }> {
  const now = repo.clock.now().getTime();
  const live: InflightMarker[] = [];
  const stale: InflightMarker[] = [];
  for (const marker of await loadAll<InflightMarker>(repo, LAYOUT.inflight)) (await isStale(marker, now) ? stale : live).push(marker);
  return { live, stale };
}

export async function removeInflight(repo: Repository, id: string): Promise<void> {
  await repo.store.delete(inflightKey(id));
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
