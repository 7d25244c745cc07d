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
}

function journalPath(stateDir: string, taskId: string): string {
  return join(stateDir, 'tasks', `${segment(taskId)}.json`);
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
