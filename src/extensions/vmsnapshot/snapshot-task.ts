import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import type { SnapshotTaskGoal, TaskStatusReport } from '../../protocol/index.ts';
import { wireParams } from '../host/process-extension-host.ts';
import { previousSnapshots } from './change-tracking.ts';
import { noNetworkError } from './no-network.ts';
import { takeSnapshot, type SnapshotDeps } from './take-snapshot.ts';
import { keepChunkIds, readJournal, writeJournal, type TaskJournal } from './task-journal.ts';
import type { Uploader } from './uploader.ts';

export interface SnapshotTaskDeps extends SnapshotDeps {
  readonly stateDir: string;
  /** Without one, the task stops at phase `transfer` with its snapshots taken. */
  readonly uploader?: Uploader;
  /** Where the uploader sends the disks (the vault's URL), to name in a failure to reach it. */
  readonly endpoint?: string;
}

function errorReport(taskId: string, phase: 'snapshot' | 'transfer', thrown: unknown, vmName: string, endpoint: string | undefined): TaskStatusReport {
  // A vault the machine cannot reach is the machine's network, whatever layer noticed it.
  const error = noNetworkError(thrown, vmName, endpoint) ?? (isArcaError(thrown) ? thrown : new ArcaError('ArcaInternalError', { operation: `running snapshot task ${taskId}`, reference: 'vmsnapshot' }, { cause: thrown }));
  return { taskId, status: 'error', phase, error: { code: error.code, params: wireParams(error) } };
}

/**
 * Takes down what providers with transient snapshots (device-mapper) set up for the task. A
 * failure is only logged: the provider keeps its record, and the next run of the task tries again.
 */
async function releaseSnapshots(task: SnapshotTaskGoal, deps: SnapshotTaskDeps): Promise<void> {
  for (const provider of deps.providers) {
    try {
      await provider.release?.(task.taskId);
    } catch (error) {
      deps.log?.(`${provider.name}: ${(error as Error).message}`);
    }
  }
}

/**
 * One snapshot task, idempotent per task id: a settled task reports its stored result again; a
 * task whose snapshot is taken goes straight to the transfer (so an interrupted backup resumes
 * without a second freeze); otherwise the snapshot phase runs, then the transfer. Transient
 * snapshots are released once the result is written (and again, harmlessly, on any later run),
 * and before a snapshot phase starts, so that a crash in the middle of one leaves nothing behind.
 */
export async function runSnapshotTask(task: SnapshotTaskGoal, deps: SnapshotTaskDeps): Promise<TaskStatusReport> {
  let journal: TaskJournal = await readJournal(deps.stateDir, task.taskId);
  if (journal.final) {
    await releaseSnapshots(task, deps);
    await deps.report(journal.final);
    return journal.final;
  }
  let final: TaskStatusReport;
  try {
    if (!journal.snapshot) {
      await releaseSnapshots(task, deps);
      const taken = await takeSnapshot(task, deps);
      deps.log?.(`snapshot taken: ${taken.consistency}, ${taken.frozenMounts.length} mounts frozen for ${taken.frozenMs} ms`);
      journal = { ...journal, snapshot: { consistency: taken.consistency, ...(taken.consistencyReason ? { consistencyReason: taken.consistencyReason } : {}), snapshots: taken.snapshots } };
      await writeJournal(deps.stateDir, journal);
    }
    const { snapshot } = journal;
    if (!snapshot) throw new Error('unreachable: snapshot recorded above');
    const transfer: TaskStatusReport = { taskId: task.taskId, status: 'transitioning', phase: 'transfer', progress: 0, result: snapshot };
    await deps.report(transfer);
    if (!deps.uploader) return transfer;
    const { chunkIds, ...uploaded } = await deps.uploader.upload({
      taskId: task.taskId,
      machineId: deps.machine.id,
      snapshots: snapshot.snapshots,
      previous: await previousSnapshots(deps.stateDir, task.taskId, snapshot.snapshots),
      ...(deps.signal ? { signal: deps.signal } : {}),
      onProgress: (progress) => void deps.report({ taskId: task.taskId, status: 'transitioning', phase: 'transfer', progress }),
    });
    for (const provider of deps.providers) await provider.verify?.(task.taskId, deps.machine.name);
    final = { taskId: task.taskId, status: 'success', phase: 'transfer', progress: 100, result: { ...snapshot, ...uploaded } };
    // Failing to keep them only costs the next backup its change tracking.
    const kept = await keepChunkIds(deps.stateDir, task.taskId, snapshot.snapshots, chunkIds).catch((error: unknown) => {
      deps.log?.(`the chunk ids were not kept for change tracking: ${(error as Error).message}`);
      return {};
    });
    journal = { ...journal, chunkIds: kept };
  } catch (thrown) {
    final = errorReport(task.taskId, journal.snapshot ? 'transfer' : 'snapshot', thrown, deps.machine.name, deps.endpoint);
  }
  await writeJournal(deps.stateDir, { ...journal, final });
  await releaseSnapshots(task, deps);
  await deps.report(final);
  return final;
}
