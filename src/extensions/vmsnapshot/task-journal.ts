import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Consistency } from '../../core/states/index.ts';
import type { TaskStatusReport } from '../../protocol/index.ts';
import { writeFileAtomic } from '../../platform/files.ts';
import { segment } from './restore-points.ts';

/**
 * What the extension has done for a task, kept across runs so that a task is idempotent: a task
 * already settled reports its stored result again, and one whose snapshot was taken resumes at the
 * transfer instead of taking another.
 */
export interface TaskJournal {
  readonly taskId: string;
  readonly snapshot?: {
    readonly consistency: Consistency;
    readonly consistencyReason?: string;
    readonly snapshots: readonly { readonly disk: string; readonly path: string }[];
  };
  readonly final?: TaskStatusReport;
  /**
   * After a successful upload, by disk: the file in the state folder holding the chunk ids the
   * point records for it (`keptChunkIdsFile`), for the next backup's change tracking.
   */
  readonly chunkIds?: Readonly<Record<string, string>>;
}

function journalPath(stateDir: string, taskId: string): string {
  return join(stateDir, 'tasks', `${segment(taskId)}.json`);
}

/** Where a task's kept chunk ids of one disk go, relative to the state folder. */
export function keptChunkIdsFile(taskId: string, disk: string): string {
  return join('chunk-ids', segment(taskId), `${segment(disk)}.ids`);
}

/**
 * Keeps the chunk ids an upload wrote, one file per disk (32 bytes per chunk), and returns what the
 * journal records of them. Written before the journal that names them.
 */
export async function keepChunkIds(
  stateDir: string,
  taskId: string,
  snapshots: readonly { readonly disk: string; readonly path: string }[],
  chunkIds: ReadonlyMap<string, Uint8Array> | undefined,
): Promise<Record<string, string>> {
  const kept: Record<string, string> = {};
  for (const { disk, path } of snapshots) {
    const ids = chunkIds?.get(path);
    if (ids === undefined) continue;
    const file = keptChunkIdsFile(taskId, disk);
    await writeFileAtomic(join(stateDir, file), ids, 0o600);
    kept[disk] = file;
  }
  return kept;
}

export async function readJournal(stateDir: string, taskId: string): Promise<TaskJournal> {
  try {
    return JSON.parse(await readFile(journalPath(stateDir, taskId), 'utf8')) as TaskJournal;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { taskId };
    throw error;
  }
}

export async function writeJournal(stateDir: string, journal: TaskJournal): Promise<void> {
  await writeFileAtomic(journalPath(stateDir, journal.taskId), `${JSON.stringify(journal, null, 2)}\n`, 0o600);
}
