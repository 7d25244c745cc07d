import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PreviousSnapshot } from '../../storage/backup/reuse-plan.ts';
import { RESTORE_POINTS_DIR } from './restore-points.ts';
import type { TaskJournal } from './task-journal.ts';

/** Journals looked at, newest first: the previous snapshot of a disk is almost always in the newest. */
const JOURNALS_SEARCHED = 50;

const inRestorePoints = (path: string) => path.includes(`/${RESTORE_POINTS_DIR}/`);

async function newestJournals(stateDir: string, exceptTask: string): Promise<TaskJournal[]> {
  const dir = join(stateDir, 'tasks');
  const names = await readdir(dir).catch(() => [] as string[]);
  const dated = await Promise.all(
    names.filter((name) => name.endsWith('.json')).map(async (name) => ({ name, mtimeMs: await stat(join(dir, name)).then((s) => s.mtimeMs, () => 0) })),
  );
  const journals: TaskJournal[] = [];
  for (const { name } of dated.toSorted((a, b) => b.mtimeMs - a.mtimeMs).slice(0, JOURNALS_SEARCHED)) {
    try {
      const journal = JSON.parse(await readFile(join(dir, name), 'utf8')) as TaskJournal;
      if (journal.taskId !== exceptTask) journals.push(journal);
    } catch {
      // A journal being written or damaged only costs this backup its change tracking.
    }
  }
  return journals;
}

/**
 * The chunk ids the earlier task kept for the disk (task-journal.ts): the upload channel does not
 * serve the packs holding the point's own list, so without them the disk is read whole.
 */
async function keptIds(stateDir: string, file: string | undefined): Promise<Pick<PreviousSnapshot, 'chunkIds' | 'chunkIdsUnreadable'>> {
  if (file === undefined) return {};
  try {
    return { chunkIds: new Uint8Array(await readFile(join(stateDir, file))) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { chunkIdsUnreadable: code === 'ENOENT' ? `${file} is gone` : `${file}: ${code ?? (error as Error).message}` };
  }
}

/**
 * Change-tracking hints for the upload (see storage/backup/reuse-plan.ts): for each disk snapshot
 * of this task, the newest earlier instant snapshot of the same disk that a settled task uploaded
 * and that is still on the same file system, with the point it became and the chunk ids it kept. The journals survive
 * reboots and crashes, and so do the snapshots; whatever the hint claims, the storage engine checks
 * it against the point's manifest and the file, and reads the whole disk when anything is off.
 */
export async function previousSnapshots(stateDir: string, taskId: string, snapshots: readonly { readonly disk: string; readonly path: string }[]): Promise<Record<string, PreviousSnapshot>> {
  const hints: Record<string, PreviousSnapshot> = {};
  const wanted = snapshots.filter((s) => inRestorePoints(s.path));
  if (wanted.length === 0) return hints;
  const journals = await newestJournals(stateDir, taskId);
  for (const current of wanted) {
    const dev = await stat(current.path).then((s) => s.dev, () => undefined);
    if (dev === undefined) continue;
    for (const journal of journals) {
      const result = journal.final?.status === 'success' ? journal.final.result : undefined;
      const before = result?.snapshots?.find((s) => s.disk === current.disk);
      if (!result?.manifestId || !before || before.path === current.path || !inRestorePoints(before.path)) continue;
      if ((await stat(before.path).then((s) => s.dev, () => undefined)) !== dev) continue;
      hints[current.path] = { snapshotPath: before.path, pointId: result.manifestId, ...(await keptIds(stateDir, journal.chunkIds?.[current.disk])) };
      break;
    }
  }
  return hints;
}
