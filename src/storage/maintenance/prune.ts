import type { ChunkIndex } from '../index/chunk-index.ts';
import { loadIndex, writeIndexFile } from '../index/load-index.ts';
import { ArcaError } from '../../core/errors/index.ts';
import { hex, indexKey, inflightKey, LAYOUT, nameOf, packKey, unhex } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';
import { liveInflight, pruneMarks, removePruneMark, staleInflight, writePruneMark, type PruneMark } from './activity.ts';
import { liveChunks } from './live-chunks.ts';

export interface PruneOptions {
  /** Packs younger than this are never marked: they may belong to a backup that has not written its index yet. */
  readonly graceMs?: number;
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
}

export interface PruneReport {
  readonly points: number;
  readonly packsTotal: number;
  readonly packsMarked: number;
  readonly packsDeleted: number;
  readonly bytesFreed: number;
  /** Marks whose packs wait for backups that started before the mark to finish. */
  readonly waiting: readonly { mark: string; backups: readonly string[] }[];
  /** Packs that mix needed and unneeded chunks; they stay whole (repacking them is not done yet). */
  readonly partlyUsedPacks: number;
}

export const DEFAULT_GRACE_MS = 10 * 60_000;
/** A backup that started this soon after a mark may have read the marks before the mark was stored. */
const MARK_SAFETY_MS = 2 * 60_000;

/**
 * Removes packs no recovery point needs, in two phases so that it never deletes what a running backup
 * may still reference. Phase one marks unused packs (`prune/<id>`); backups that start later treat
 * marked packs as gone. Phase two, in this run or a later one, deletes a mark's packs once no backup
 * that started before the mark is running: it first writes an index without them, then removes the
 * index files it replaced, then the packs, then the mark. A crash between any two steps leaves
 * duplicates or unreferenced files, never a reference to something missing.
 */
export async function pruneRepository(repo: Repository, pool: ChunkWorkerPool, options: PruneOptions = {}): Promise<PruneReport> {
  const signal = options.signal;
  const index = await loadIndex(repo, signal);
  const live = await liveChunks(repo, index, pool, signal);
  if (live.problems.length > 0) {
    const [first] = live.problems;
    throw new ArcaError('RepositoryVerifyFailed', { problems: live.problems.length, packs: 0, points: first?.points.join(', ') ?? '' });
  }
  const stored = new Map<string, { size: number; modified?: Date }>();
  for await (const info of repo.store.list(LAYOUT.data, { signal })) stored.set(nameOf(info.key), { size: info.size, modified: info.modified });

  const now = repo.clock.now().getTime();
  const running = await liveInflight(repo);
  const oldestRunning = Math.min(...running.map((m) => Date.parse(m.startedAt)));
  const marks = await pruneMarks(repo);
  const alreadyMarked = new Set(marks.flatMap((m) => m.packs));
  let partlyUsedPacks = 0;
  const candidates: string[] = [];
  for (const [packId, info] of stored) {
    if (alreadyMarked.has(packId)) continue;
    const entries = index.packEntries(packId);
    const used = entries?.filter((e) => live.chunks.has(hex(e.id))).length ?? 0;
    if (used > 0) {
      if (entries && used < entries.length) partlyUsedPacks++;
      continue;
    }
    const written = info.modified?.getTime();
    if (written === undefined || written > now - (options.graceMs ?? DEFAULT_GRACE_MS) || written >= oldestRunning) continue;
    candidates.push(packId);
  }
  if (options.dryRun) {
    return { points: live.points.length, packsTotal: stored.size, packsMarked: candidates.length, packsDeleted: 0, bytesFreed: 0, waiting: [], partlyUsedPacks };
  }
  if (candidates.length > 0) marks.push(await writePruneMark(repo, candidates));

  const stillRunning = await liveInflight(repo);
  const waiting: { mark: string; backups: string[] }[] = [];
  const sweepable: PruneMark[] = [];
  for (const mark of marks) {
    const blockers = stillRunning.filter((m) => Date.parse(m.startedAt) < Date.parse(mark.markedAt) + MARK_SAFETY_MS).map((m) => m.id);
    if (blockers.length > 0) waiting.push({ mark: mark.id, backups: blockers });
    else sweepable.push(mark);
  }
  const { deleted, bytesFreed } = await sweep(repo, index, live.chunks, stored, sweepable, signal);
  for (const marker of await staleInflight(repo)) await repo.store.delete(inflightKey(marker.id));
  return { points: live.points.length, packsTotal: stored.size, packsMarked: candidates.length, packsDeleted: deleted, bytesFreed, waiting, partlyUsedPacks };
}

/** Phase two for the marks whose wait is over. */
async function sweep(
  repo: Repository,
  index: ChunkIndex,
  live: ReadonlyMap<string, unknown>,
  stored: ReadonlyMap<string, { size: number }>,
  marks: readonly PruneMark[],
  signal?: AbortSignal,
): Promise<{ deleted: number; bytesFreed: number }> {
  if (marks.length === 0) return { deleted: 0, bytesFreed: 0 };
  const doomed = new Set(marks.flatMap((m) => m.packs));
  // A chunk that became needed again since the mark keeps its pack, unless another pack also holds it.
  const holders = new Map<string, number>();
  for (const packId of index.packIds()) if (!doomed.has(packId)) for (const e of index.packEntries(packId) ?? []) holders.set(hex(e.id), 1);
  for (const packId of doomed) {
    if ((index.packEntries(packId) ?? []).some((e) => live.has(hex(e.id)) && !holders.has(hex(e.id)))) doomed.delete(packId);
  }
  const keep = [...index.packIds()].filter((p) => !doomed.has(p) && stored.has(p));
  const replaced = [...index.files];
  const written = await writeIndexFile(repo, keep.map((p) => ({ packId: unhex(p), entries: index.packEntries(p) ?? [] })), signal);
  for (const name of replaced) if (name !== written) await repo.store.delete(indexKey(name), { signal });
  let bytesFreed = 0;
  for (const packId of doomed) {
    await repo.store.delete(packKey(packId), { signal });
    bytesFreed += stored.get(packId)?.size ?? 0;
  }
  for (const mark of marks) await removePruneMark(repo, mark.id);
  return { deleted: doomed.size, bytesFreed };
}
