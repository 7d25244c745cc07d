import { lstat, readdir, readFile, realpath, rm, rmdir, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import type { DeletedInstantPoint, SnapshotTaskGoal } from '../../protocol/index.ts';
import { RESTORE_POINTS_DIR, SAFETY_POINT_PREFIX, segment } from './restore-points.ts';
import { RESTORE_JOURNALS_DIR, safetyPointName, type RestoreJournal } from './restore-task.ts';
import type { TaskJournal } from './task-journal.ts';

/**
 * What the extension leaves on a machine and removes once it stops being useful: the chunk ids a
 * task kept for change tracking (useful only while that task's snapshot exists), settled task
 * journals (useful for idempotency while the vault may still send the task, and for change
 * tracking while the snapshot exists), and safety points taken before OriginalLocation restores
 * (kept `safetyPointRetentionDays`). Every removal states its reason; nothing here fails a task.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** A settled journal of a task the goal state no longer lists is kept this long after its last write. */
export const JOURNAL_KEEP_DAYS = 7;
const CHUNK_IDS_DIR = 'chunk-ids';
const TASK_JOURNALS_DIR = 'tasks';

export interface Removal {
  readonly path: string;
  readonly reason: string;
}

export interface HousekeepingResult {
  readonly removed: Removal[];
  /** Paths left in place on purpose, with why (an open task, too young, not a safety point folder). */
  readonly kept: Removal[];
}

const exists = (path: string) => lstat(path).then(() => true, () => false);

async function readJsonFiles<T>(dir: string): Promise<{ file: string; journal: T; mtimeMs: number }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: { file: string; journal: T; mtimeMs: number }[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const file = join(dir, name);
    try {
      const info = await lstat(file);
      if (!info.isFile()) continue;
      out.push({ file, journal: JSON.parse(await readFile(file, 'utf8')) as T, mtimeMs: info.mtimeMs });
    } catch {
      // Damaged or being written: left alone, as change tracking leaves it.
    }
  }
  return out;
}

/** True when a snapshot journal's snapshots belong to the deleted point (by path, or by its point folder). */
function journalOfPoint(journal: TaskJournal, point: DeletedInstantPoint): boolean {
  const paths = new Set(point.snapshots.map((s) => s.path));
  return (journal.snapshot?.snapshots ?? []).some(({ path }) => {
    if (paths.has(path)) return true;
    const folder = dirname(path);
    return basename(folder) === segment(point.pointName) && basename(dirname(folder)) === segment(point.collectionId) && basename(dirname(dirname(folder))) === RESTORE_POINTS_DIR;
  });
}

/** Removes the kept chunk ids of the tasks whose snapshots became these deleted points. */
export async function removeIdsOfDeletedPoints(stateDir: string, points: readonly DeletedInstantPoint[]): Promise<HousekeepingResult> {
  if (points.length === 0) return { removed: [], kept: [] };
  const removed: Removal[] = [];
  for (const { journal } of await readJsonFiles<TaskJournal>(join(stateDir, TASK_JOURNALS_DIR))) {
    const point = points.find((p) => journalOfPoint(journal, p));
    if (!point || typeof journal.taskId !== 'string') continue;
    const folder = join(stateDir, CHUNK_IDS_DIR, segment(journal.taskId));
    if (!(await exists(folder))) continue;
    await rm(folder, { recursive: true, force: true });
    removed.push({ path: folder, reason: `the snapshots of point ${point.pointName} were removed` });
  }
  return { removed, kept: [] };
}

/**
 * Stray ids: a task folder under chunk-ids/ whose journal is gone, or an ids file its journal does
 * not name or whose disk snapshot is gone. The task running now has written none yet.
 */
async function sweepChunkIds(stateDir: string, journals: ReadonlyMap<string, TaskJournal>): Promise<Removal[]> {
  const root = join(stateDir, CHUNK_IDS_DIR);
  const removed: Removal[] = [];
  for (const taskFolder of await readdir(root).catch(() => [] as string[])) {
    const folder = join(root, taskFolder);
    const journal = journals.get(taskFolder);
    const info = await lstat(folder).catch(() => undefined);
    if (!journal || !info?.isDirectory()) {
      await rm(folder, { recursive: true, force: true });
      removed.push({ path: folder, reason: journal ? 'not a folder of kept ids' : 'its task journal is gone' });
      continue;
    }
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      const relative = join(CHUNK_IDS_DIR, taskFolder, name);
      const disk = Object.entries(journal.chunkIds ?? {}).find(([, file]) => file === relative)?.[0];
      const snapshot = journal.snapshot?.snapshots.find((s) => s.disk === disk)?.path;
      const reason = disk === undefined ? 'its task journal does not name it' : snapshot === undefined || !(await exists(snapshot)) ? `the snapshot of disk ${disk} is gone` : undefined;
      if (reason === undefined) continue;
      await rm(join(folder, name), { recursive: true, force: true });
      removed.push({ path: join(folder, name), reason });
    }
    await rmdir(folder).catch(() => undefined); // only once it is empty
  }
  return removed;
}

/** Journals of settled tasks the goal state no longer lists, older than JOURNAL_KEEP_DAYS, whose snapshots or safety points are all gone. */
async function sweepJournals(stateDir: string, goal: ReadonlySet<string>, now: Date): Promise<{ removed: Removal[]; snapshotJournals: Map<string, TaskJournal>; restoreJournals: RestoreJournal[] }> {
  const removed: Removal[] = [];
  const old = (mtimeMs: number) => now.getTime() - mtimeMs >= JOURNAL_KEEP_DAYS * DAY_MS;
  const snapshotJournals = new Map<string, TaskJournal>();
  for (const { file, journal, mtimeMs } of await readJsonFiles<TaskJournal>(join(stateDir, TASK_JOURNALS_DIR))) {
    const paths = (journal.snapshot?.snapshots ?? []).map((s) => s.path);
    const anyLeft = (await Promise.all(paths.map(exists))).some(Boolean);
    if (journal.final && !goal.has(journal.taskId) && old(mtimeMs) && !anyLeft) {
      await rm(file, { force: true });
      removed.push({ path: file, reason: `task ${journal.taskId} settled over ${JOURNAL_KEEP_DAYS} days ago, is no longer in the goal state, and its snapshots are gone` });
      continue;
    }
    snapshotJournals.set(basename(file, '.json'), journal);
  }
  const restoreJournals: RestoreJournal[] = [];
  for (const { file, journal, mtimeMs } of await readJsonFiles<RestoreJournal>(join(stateDir, RESTORE_JOURNALS_DIR))) {
    const anyLeft = (await Promise.all((journal.safetyPoints ?? []).map(exists))).some(Boolean);
    if (journal.final && !goal.has(journal.taskId) && old(mtimeMs) && !anyLeft) {
      await rm(file, { force: true });
      removed.push({ path: file, reason: `restore task ${journal.taskId} settled over ${JOURNAL_KEEP_DAYS} days ago, is no longer in the goal state, and its safety points are gone` });
      continue;
    }
    restoreJournals.push(journal);
  }
  return { removed, snapshotJournals, restoreJournals };
}

/**
 * True when `folder` is exactly `<dir>/.arca-restore-points/<collection>/before-restore-<task>` as
 * written, with no symbolic link on the way (like isSnapshotOfPoint in restore-points.ts): a
 * journal or goal state naming anything else cannot make the extension delete it.
 */
async function isSafetyPointFolder(folder: string): Promise<boolean> {
  if (!isAbsolute(folder) || normalize(folder) !== folder) return false;
  if (!basename(folder).startsWith(SAFETY_POINT_PREFIX) || basename(dirname(dirname(folder))) !== RESTORE_POINTS_DIR) return false;
  try {
    return (await realpath(folder)) === folder && (await lstat(folder)).isDirectory();
  } catch {
    return false;
  }
}

/** Safety point folders beside the given disk folders. */
async function safetyFoldersIn(diskDirs: Iterable<string>): Promise<string[]> {
  const found: string[] = [];
  for (const dir of diskDirs) {
    const root = join(dir, RESTORE_POINTS_DIR);
    for (const collection of await readdir(root).catch(() => [] as string[])) {
      for (const name of await readdir(join(root, collection)).catch(() => [] as string[])) {
        if (name.startsWith(SAFETY_POINT_PREFIX)) found.push(join(root, collection, name));
      }
    }
  }
  return found;
}

/** Removes one safety point folder: its files (never following a link), then the folder; a subfolder stops it. */
async function removeSafetyFolder(folder: string): Promise<boolean> {
  const entries = await readdir(folder, { withFileTypes: true });
  if (entries.some((e) => e.isDirectory())) return false;
  for (const entry of entries) await unlink(join(folder, entry.name));
  await rmdir(folder);
  await rmdir(dirname(folder)).catch(() => undefined); // the collection folder, once empty
  return true;
}

async function newestChange(folder: string): Promise<number> {
  let newest = (await lstat(folder)).mtimeMs;
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    newest = Math.max(newest, await lstat(join(folder, name)).then((s) => s.mtimeMs, () => 0));
  }
  return newest;
}

async function sweepSafetyPoints(candidates: Iterable<string>, open: ReadonlySet<string>, now: Date, retentionDays: number): Promise<HousekeepingResult> {
  const removed: Removal[] = [];
  const kept: Removal[] = [];
  for (const folder of new Set(candidates)) {
    if (!(await exists(folder))) continue;
    if (!(await isSafetyPointFolder(folder))) {
      kept.push({ path: folder, reason: 'refused: not a safety point folder under .arca-restore-points (or a link on the way)' });
      continue;
    }
    if (open.has(basename(folder))) {
      kept.push({ path: folder, reason: 'its restore task is still open' });
      continue;
    }
    const ageMs = now.getTime() - (await newestChange(folder));
    if (ageMs < retentionDays * DAY_MS) {
      kept.push({ path: folder, reason: `younger than ${retentionDays} days` });
      continue;
    }
    if (await removeSafetyFolder(folder)) removed.push({ path: folder, reason: `older than ${retentionDays} days` });
    else kept.push({ path: folder, reason: 'refused: it holds a folder, not only safety copies' });
  }
  return { removed, kept };
}

export interface HousekeepingInput {
  readonly stateDir: string;
  /** The tasks of the goal state now: their journals and safety points stay. */
  readonly tasks: readonly SnapshotTaskGoal[];
  /** Disk paths the extension knows (task disks, the settings' diskPaths): safety points are looked for beside them. */
  readonly diskPaths: readonly string[];
  readonly safetyPointRetentionDays: number;
  readonly now: Date;
}

/**
 * Run at the start of a run with tasks, before any task: safety points past their retention (never
 * one of an open restore task), old settled journals, then ids no journal or snapshot vouches for.
 */
export async function houseKeep(input: HousekeepingInput): Promise<HousekeepingResult> {
  const goal = new Set(input.tasks.map((t) => t.taskId));
  const restoreJournals = await readJsonFiles<RestoreJournal>(join(input.stateDir, RESTORE_JOURNALS_DIR));
  const open = new Set([...input.tasks.map((t) => safetyPointName(t.taskId)), ...restoreJournals.filter((j) => !j.journal.final).map((j) => safetyPointName(j.journal.taskId))]);
  const snapshotDiskDirs = (await readJsonFiles<TaskJournal>(join(input.stateDir, TASK_JOURNALS_DIR)))
    .flatMap(({ journal }) => journal.snapshot?.snapshots ?? [])
    .filter((s) => s.path.includes(`/${RESTORE_POINTS_DIR}/`))
    .map((s) => dirname(dirname(dirname(dirname(s.path)))));
  const candidates = [
    ...restoreJournals.flatMap((j) => j.journal.safetyPoints ?? []),
    ...(await safetyFoldersIn(new Set([...input.diskPaths.map((p) => dirname(p)), ...snapshotDiskDirs]))),
  ];
  const safety = await sweepSafetyPoints(candidates, open, input.now, input.safetyPointRetentionDays);
  const journals = await sweepJournals(input.stateDir, goal, input.now);
  const ids = await sweepChunkIds(input.stateDir, journals.snapshotJournals);
  return { removed: [...safety.removed, ...journals.removed, ...ids], kept: safety.kept };
}
