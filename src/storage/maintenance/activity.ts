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
  /**
   * Throws RepositoryBackupInterrupted when the claim may have been taken for dead: its marker is
   * gone, a heartbeat found it gone or failed, or heartbeats were too far apart (a paused process).
   */
  stillHeld(): Promise<void>;
  stop(): Promise<void>;
}

export interface HeartbeatOptions {
  /** Time between heartbeats (default HEARTBEAT_MS). */
  readonly intervalMs?: number;
  /** The wall clock the gaps between heartbeats are measured with (default Date.now). */
  readonly now?: () => number;
}

/**
 * Heartbeats further apart than this (by the process's own wall clock) mean it was paused, or its
 * clock jumped, long enough that a prune may have taken its marker for dead.
 */
const LONGEST_GAP_MS = STALE_AFTER_MS / 2;

/**
 * Writes a marker under `key` and keeps it fresh until stopped; `ifNotExists` makes it a lease. A
 * heartbeat refreshes the marker only while it is still there: once one finds it gone (removed by
 * a prune that took this process for dead) or fails, the claim is lost for good, and the marker is
 * not written back, so a prune's judgement is never undone behind its back.
 */
async function claim(repo: Repository, key: (id: string) => string, id: string, ifNotExists: boolean, heartbeat: HeartbeatOptions = {}): Promise<Claim> {
  const wallNow = heartbeat.now ?? Date.now;
  const startedAt = repo.clock.now();
  const identity = await selfIdentity();
  const marker = (): InflightMarker => ({ ...identity, id, startedAt: startedAt.toISOString(), heartbeatAt: repo.clock.now().toISOString() });
  let lastBeat = wallNow();
  await repo.store.put(key(id), repo.sealObject(key(id), marker()), { ifNotExists });
  let lost = false;
  let beating: Promise<void> | undefined;
  const overdue = (): boolean => wallNow() - lastBeat > LONGEST_GAP_MS;
  const beat = async (): Promise<void> => {
    if (lost) return;
    const at = wallNow();
    if (overdue() || !(await repo.store.stat(key(id)))) {
      lost = true;
      return;
    }
    await repo.store.put(key(id), repo.sealObject(key(id), marker()));
    lastBeat = at;
  };
  const timer = setInterval(() => {
    beating ??= beat()
      .catch(() => void (lost = true))
      .finally(() => (beating = undefined));
  }, heartbeat.intervalMs ?? HEARTBEAT_MS);
  timer.unref();
  return {
    id,
    startedAt,
    stillHeld: async () => {
      await beating;
      if (lost || overdue() || !(await repo.store.stat(key(id)))) {
        lost = true;
        throw new ArcaError('RepositoryBackupInterrupted', { id });
      }
    },
    stop: async () => {
      clearInterval(timer);
      // A heartbeat under way finishes first, so that it cannot put the marker back after the delete.
      await beating;
      await repo.store.delete(key(id));
    },
  };
}

export function startInflight(repo: Repository, heartbeat?: HeartbeatOptions): Promise<Claim> {
  return claim(repo, inflightKey, timeId(repo.clock.now(), randomBytes(4)), false, heartbeat);
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
