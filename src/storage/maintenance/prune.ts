import { ArcaError } from '../../core/errors/index.ts';
import type { ChunkIndex } from '../index/chunk-index.ts';
import { loadIndex, writeIndexFile } from '../index/load-index.ts';
import { hex, indexKey, LAYOUT, nameOf, packKey, unhex } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';
import { backupsInflight, pruneMarks, removeInflight, removePruneMark, takePruneLease, writePruneMark, type PruneMark } from './activity.ts';
import { liveChunks, type LiveSet } from './live-chunks.ts';
import { readPackTable } from './pack-table.ts';
import { chooseRepack, repackPacks, type PackUse } from './repack.ts';

export interface PruneOptions {
  /** Packs younger than this are never marked: they may belong to a backup that has not written its index yet. */
  readonly graceMs?: number;
  readonly dryRun?: boolean;
  /**
   * Rewrite a partly used pack once this share (0 to 1) of its bytes is chunks no point needs: its
   * needed chunks are copied into new packs and the old pack is marked like an unused one. Default
   * 0.1; 1 or more turns repacking off.
   */
  readonly repackUnused?: number;
  /** Also combine packs smaller than half the target size (default false). */
  readonly repackSmall?: boolean;
  readonly signal?: AbortSignal;
  /** Bytes of old packs read while repacking, of the total to read. */
  readonly onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

export interface PruneReport {
  readonly points: number;
  readonly packsTotal: number;
  /** Packs marked for deletion by this run: unused ones and repacked ones. */
  readonly packsMarked: number;
  /** Of those, packs whose still-needed chunks were copied into new packs first. */
  readonly packsRepacked: number;
  /** New packs written by repacking, and their bytes. */
  readonly packsWritten: number;
  readonly bytesWritten: number;
  /** Repack candidates left whole because a chunk in them failed authentication: run verify. */
  readonly damagedPacks: readonly string[];
  readonly packsDeleted: number;
  /** Bytes of the packs deleted (before subtracting bytesWritten). */
  readonly bytesFreed: number;
  /** Marks whose packs wait for backups that started before the mark to finish. */
  readonly waiting: readonly { mark: string; backups: readonly string[] }[];
  /** Packs that mix needed and unneeded chunks and were left whole (below the repack threshold). */
  readonly partlyUsedPacks: number;
}

export const DEFAULT_GRACE_MS = 10 * 60_000;
export const DEFAULT_REPACK_UNUSED = 0.1;
/** A backup that started this soon after a mark may have read the marks before the mark was stored. */
const MARK_SAFETY_MS = 2 * 60_000;

interface State {
  readonly index: ChunkIndex;
  readonly live: LiveSet;
  readonly stored: Map<string, { size: number; modified?: Date }>;
}

/**
 * What the repository holds and needs, read in this order: index, then packs, then points. A backup
 * writes a pack before its index file, so a pack an index file lists that is missing from the later
 * pack listing was deleted before that listing (its listing can go); a pack or index file stored
 * after its own listing is neither a candidate nor replaced, and a point written after the index
 * listing only adds to what is kept. Refuses to go on when a point cannot be read in full or needs
 * a chunk the index does not know: deleting anything then could delete what that point needs.
 */
async function readState(repo: Repository, pool: ChunkWorkerPool, signal?: AbortSignal): Promise<State> {
  const listed = await loadIndex(repo, signal, undefined, 'any');
  const stored = new Map<string, { size: number; modified?: Date }>();
  for await (const info of repo.store.list(LAYOUT.data, { signal })) stored.set(nameOf(info.key), { size: info.size, modified: info.modified });
  const index = listed.restrictedTo(new Set(stored.keys()));
  const live = await liveChunks(repo, index, pool, signal);
  const unindexed = [...live.chunks.keys()].filter((id) => !index.has(id));
  if (live.problems.length > 0 || unindexed.length > 0) {
    const points = new Set([...live.problems.flatMap((p) => p.points), ...unindexed.flatMap((id) => live.chunks.get(id) ?? [])]);
    throw new ArcaError('RepositoryVerifyFailed', { problems: live.problems.length + unindexed.length, packs: 0, points: [...points].join(', ') || 'none' });
  }
  return { index, live, stored };
}

/**
 * Removes packs no recovery point needs, in two phases so that it never deletes what a running
 * backup may still reference. Phase one copies the needed chunks of packs that are mostly waste
 * into new, indexed packs (repack.ts), then marks those packs and the unused ones (`prune/<id>`);
 * backups that start later treat marked packs as gone, except for chunks copied elsewhere. Phase
 * two deletes a mark's packs once no backup that started before the mark is running, judged
 * *before* the needed chunks are read again, so that every point written by such a backup is
 * counted. It writes an index without the packs, removes the index files it replaced, then the
 * packs, then the mark: a crash between steps leaves duplicates or unreferenced files, never a
 * reference to something missing. One prune runs at a time.
 */
export async function pruneRepository(repo: Repository, pool: ChunkWorkerPool, options: PruneOptions = {}): Promise<PruneReport> {
  const signal = options.signal;
  const lease = options.dryRun ? undefined : await takePruneLease(repo);
  try {
    const summary = await markPhase(repo, pool, await readState(repo, pool, signal), options);
    if (options.dryRun) return { ...summary, packsDeleted: 0, bytesFreed: 0, waiting: [] };

    const { live: running, stale } = await backupsInflight(repo);
    // Dead backups lose their markers before any data goes: were one alive after all, it will find its
    // marker gone and record nothing.
    for (const marker of stale) await removeInflight(repo, marker.id);
    const waiting: { mark: string; backups: string[] }[] = [];
    const ready: PruneMark[] = [];
    for (const mark of await pruneMarks(repo)) {
      const blockers = running.filter((m) => Date.parse(m.startedAt) < Date.parse(mark.markedAt) + MARK_SAFETY_MS).map((m) => m.id);
      if (blockers.length > 0) waiting.push({ mark: mark.id, backups: blockers });
      else ready.push(mark);
    }
    if (ready.length === 0) return { ...summary, packsDeleted: 0, bytesFreed: 0, waiting };
    const sweeping = await readState(repo, pool, signal);
    const { deleted, bytesFreed } = await sweep(repo, sweeping, ready, signal);
    return { ...summary, packsDeleted: deleted, bytesFreed, waiting };
  } finally {
    await lease?.stop().catch(() => undefined);
  }
}

type MarkSummary = Omit<PruneReport, 'packsDeleted' | 'bytesFreed' | 'waiting'>;

const partlyUsed = (packs: readonly PackUse[]): number => packs.filter((u) => u.needed.length < u.entries.length).length;

/** Phase one: repacks what the policy picks, then marks the repacked and the unused packs (only says so in a dry run). */
async function markPhase(repo: Repository, pool: ChunkWorkerPool, state: State, options: PruneOptions): Promise<MarkSummary> {
  const { signal, onProgress } = options;
  const { packs: unused, uses, alreadyMarked } = await classifyPacks(repo, state, options.graceMs ?? DEFAULT_GRACE_MS, signal);
  const policy = { unusedShare: options.repackUnused ?? DEFAULT_REPACK_UNUSED, small: options.repackSmall === true, packTargetSize: repo.config.packTargetSize };
  const chosen = chooseRepack(uses, policy);
  const base = { points: state.live.points.length, packsTotal: state.stored.size };
  if (options.dryRun) {
    return { ...base, packsMarked: unused.length + chosen.length, packsRepacked: chosen.length, packsWritten: 0, bytesWritten: 0, damagedPacks: [], partlyUsedPacks: partlyUsed(uses) - partlyUsed(chosen) };
  }
  // The copies are indexed before the mark exists: a backup that sees the mark finds them.
  const leaving = new Set([...unused, ...chosen.map((u) => u.packId), ...alreadyMarked]);
  const repacked = await repackPacks({ repo, pool, index: state.index, leaving, ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) }, chosen);
  const candidates = [...unused, ...repacked.packs];
  if (candidates.length > 0) await writePruneMark(repo, candidates);
  return {
    ...base,
    packsMarked: candidates.length,
    packsRepacked: repacked.packs.length,
    packsWritten: repacked.packsWritten,
    bytesWritten: repacked.bytesWritten,
    damagedPacks: repacked.damaged,
    partlyUsedPacks: partlyUsed(uses) - partlyUsed(chosen.filter((u) => repacked.packs.includes(u.packId))),
  };
}

/**
 * Among the packs old enough and not written by a backup still running: those with no needed chunk,
 * and the indexed ones with some (which repacking may rewrite).
 */
async function classifyPacks(repo: Repository, state: State, graceMs: number, signal?: AbortSignal): Promise<{ packs: string[]; uses: PackUse[]; alreadyMarked: Set<string> }> {
  const now = repo.clock.now().getTime();
  const { live: running } = await backupsInflight(repo);
  const oldestRunning = Math.min(...running.map((m) => Date.parse(m.startedAt)));
  const alreadyMarked = new Set((await pruneMarks(repo)).flatMap((m) => m.packs));
  const uses: PackUse[] = [];
  const packs: string[] = [];
  for (const [packId, info] of state.stored) {
    const written = info.modified?.getTime();
    if (alreadyMarked.has(packId) || written === undefined || written > now - graceMs || written >= oldestRunning) continue;
    // A pack the index does not list is read: its chunks may be needed all the same (an index file
    // lost or being rewritten); a pack whose table cannot be read is kept for `verify` to report.
    const indexed = state.index.packEntries(packId);
    const entries = indexed ?? (await readPackTable(repo, packId, info.size, signal).catch(() => undefined));
    if (!entries) continue;
    // In a pack the index does not list, a needed chunk counts only when no indexed pack has it
    // (a killed backup's pack whose chunks the next backup stored again is plain waste).
    const needed = entries.filter((e) => state.live.chunks.has(hex(e.id)) && (indexed !== undefined || !state.index.has(hex(e.id))));
    if (needed.length === 0) packs.push(packId);
    // An unindexed pack holding needed chunks stays as it is: verify --rebuild-index brings it back.
    else if (indexed) uses.push({ packId, size: info.size, entries, needed });
  }
  return { packs, uses, alreadyMarked };
}

/** Phase two for the marks whose wait is over, against needed chunks read after that wait ended. */
async function sweep(repo: Repository, state: State, marks: readonly PruneMark[], signal?: AbortSignal): Promise<{ deleted: number; bytesFreed: number }> {
  const { index, live, stored } = state;
  const doomed = new Set(marks.flatMap((m) => m.packs));
  // A chunk that became needed again since the mark keeps its pack, unless another pack also holds it.
  const holders = new Set<string>();
  for (const packId of index.packIds()) if (!doomed.has(packId)) for (const e of index.packEntries(packId) ?? []) holders.add(hex(e.id));
  for (const packId of doomed) {
    const entries = index.packEntries(packId) ?? (await readPackTable(repo, packId, stored.get(packId)?.size ?? 0, signal).catch(() => undefined));
    if (!entries || entries.some((e) => live.chunks.has(hex(e.id)) && !holders.has(hex(e.id)))) doomed.delete(packId);
  }
  const keep = new Set([...index.packIds()].filter((p) => !doomed.has(p) && stored.has(p)));
  const written = await writeIndexFile(repo, [...keep].map((p) => ({ packId: unhex(p), entries: index.packEntries(p) ?? [] })), signal);
  // An index file goes only when each pack it lists is carried over, deleted now, or was gone before
  // the packs were listed (which followed the index listing); any other listing keeps its file.
  const accounted = (p: string): boolean => keep.has(p) || doomed.has(p) || !stored.has(p);
  for (const [name, packs] of index.filePacks) if (name !== written && packs.every(accounted)) await repo.store.delete(indexKey(name), { signal });
  let bytesFreed = 0;
  for (const packId of doomed) {
    await repo.store.delete(packKey(packId), { signal });
    bytesFreed += stored.get(packId)?.size ?? 0;
  }
  for (const mark of marks) await removePruneMark(repo, mark.id);
  return { deleted: doomed.size, bytesFreed };
}
