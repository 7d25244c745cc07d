import { constants, createReadStream, createWriteStream } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import type { RestoredDiskReport, SnapshotTaskGoal, TaskStatusReport } from '../../protocol/index.ts';
import { writeFileAtomic } from '../../platform/files.ts';
import { wireParams } from '../host/process-extension-host.ts';
import { devicesOfDisk } from './disk-devices.ts';
import type { Mount } from './mountinfo.ts';
import { cloneOver, isImageFile, writeChangedBlocks } from './restore-blocks.ts';
import type { PointReader } from './vault-point-reader.ts';
import { writeBackDisk } from './write-back.ts';
import { RESTORE_POINTS_DIR, SAFETY_POINT_PREFIX, segment, snapshotPath } from './restore-points.ts';

export interface RestoreTaskDeps {
  readonly machine: { readonly id: string; readonly name: string };
  readonly stateDir: string;
  readonly readMounts: () => Promise<readonly Mount[]>;
  readonly report: (report: TaskStatusReport) => Promise<void>;
  readonly log?: (line: string) => void;
  /** Opens the reading of a vault-tier point (a task with `repositoryPointId`); absent, such a task fails. */
  readonly openPointReader?: (pointId: string) => Promise<PointReader>;
}

/** One disk of a restore task: where it is, the point's snapshot of it, and its safety copy. */
interface RestoreDisk {
  readonly name: string;
  readonly path: string;
  readonly snapshot: string;
  readonly safetyPath: string;
  /** From the vault tier: the disk's place in the repository point. */
  readonly pointDisk?: number;
}

/**
 * What the extension has done for a restore task, kept across runs: once the safety point is taken
 * it is never taken again (a second one, after a half-done restore, would keep the wrong disks),
 * and a settled task reports its stored result again.
 */
export interface RestoreJournal {
  readonly taskId: string;
  /** The safety point folders, recorded before the copies start so that retention finds them (housekeeping.ts). */
  readonly safetyPoints?: readonly string[];
  readonly safetyTaken?: boolean;
  readonly final?: TaskStatusReport;
}

/** Where restore journals live, relative to the state folder. */
export const RESTORE_JOURNALS_DIR = 'restore-tasks';

const journalPath = (stateDir: string, taskId: string) => join(stateDir, RESTORE_JOURNALS_DIR, `${segment(taskId)}.json`);

async function readRestoreJournal(stateDir: string, taskId: string): Promise<RestoreJournal> {
  try {
    return JSON.parse(await readFile(journalPath(stateDir, taskId), 'utf8')) as RestoreJournal;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { taskId };
    throw error;
  }
}

const writeRestoreJournal = (stateDir: string, journal: RestoreJournal) => writeFileAtomic(journalPath(stateDir, journal.taskId), `${JSON.stringify(journal)}\n`, 0o600);

/** The folder name of a restore task's safety points. */
export const safetyPointName = (taskId: string): string => segment(`${SAFETY_POINT_PREFIX}${taskId}`);

/** The safety point of a restore task: `<disk dir>/.arca-restore-points/<collection>/before-restore-<task>/<disk>.img`. */
export function safetyPointPath(diskPath: string, collectionId: string, taskId: string, diskName: string): string {
  return join(dirname(diskPath), RESTORE_POINTS_DIR, segment(collectionId), safetyPointName(taskId), `${segment(diskName)}.img`);
}

function restoreDisks(task: SnapshotTaskGoal): RestoreDisk[] {
  return task.disks.map((disk) => {
    if (disk.path === undefined) throw new ArcaError('InvalidRequestContent', { reason: `restore task ${task.taskId} names disk ${disk.name} without its path` });
    return {
      name: disk.name,
      path: disk.path,
      snapshot: snapshotPath(disk.path, task.collectionId, task.pointName, disk.name),
      safetyPath: safetyPointPath(disk.path, task.collectionId, task.taskId, disk.name),
      ...(disk.pointDisk === undefined ? {} : { pointDisk: disk.pointDisk }),
    };
  });
}

/**
 * Before anything is written: every disk is there, every snapshot of the point is still beside it,
 * and no file system on any disk is mounted (the machine is stopped, or at least its disks are not
 * in use) — a restore under a mounted file system would corrupt it.
 */
async function checkRestorable(task: SnapshotTaskGoal, disks: readonly RestoreDisk[], deps: RestoreTaskDeps): Promise<void> {
  const vmName = deps.machine.name;
  for (const disk of disks) {
    if (!(await stat(disk.path).then(() => true, () => false))) throw new ArcaError('UserErrorUnableToOpenMount', { vmName, mountPoint: disk.path });
    if (task.repositoryPointId !== undefined) continue;
    const snapshot = await lstat(disk.snapshot).catch(() => undefined);
    if (!snapshot?.isFile()) throw new ArcaError('UserErrorInstantRpNotFound', { recoveryPointId: task.pointName, vmName });
  }
  const mounts = await deps.readMounts();
  for (const disk of disks) {
    const devices = await devicesOfDisk(disk.path);
    const mounted = mounts.find((mount) => devices.has(mount.device));
    if (mounted) throw new ArcaError('UserErrorRestoreTargetVmRunning', { vmName, state: `using disk ${disk.name} (mounted at ${mounted.mountPoint})` });
  }
}

/** A copy of the disk as it is now: a reflink clone where the file system can, else a full copy. */
async function takeSafetyCopy(disk: RestoreDisk): Promise<void> {
  await mkdir(dirname(disk.safetyPath), { recursive: true, mode: 0o700 });
  if (await isImageFile(disk.path)) await copyFile(disk.path, disk.safetyPath, constants.COPYFILE_FICLONE);
  else await pipeline(createReadStream(disk.path), createWriteStream(disk.safetyPath, { mode: 0o600 }));
  // A copy of a disk is as private as the machine's data: root only, whatever the disk's own mode.
  await chmod(disk.safetyPath, 0o600);
  const file = await open(disk.safetyPath, 'r');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Brings one disk back to its snapshot (a whole-file clone, else only the blocks that differ), or to the vault tier's point (only the chunks that differ). */
async function restoreDisk(disk: RestoreDisk, reader: PointReader | undefined, vmName: string, onProgress: (fraction: number) => void): Promise<RestoredDiskReport> {
  const base = { disk: disk.name, path: disk.path, safetyPath: disk.safetyPath };
  if (reader !== undefined) {
    const written = await writeBackDisk(reader, { path: disk.path, pointDisk: disk.pointDisk ?? -1, name: disk.name, vmName }, onProgress);
    return { ...base, ...written };
  }
  if ((await isImageFile(disk.path)) && (await cloneOver(disk.snapshot, disk.path))) {
    onProgress(1);
    return { ...base, bytesWritten: 0 };
  }
  const size = Math.max(1, (await stat(disk.snapshot)).size);
  const { bytesWritten } = await writeChangedBlocks(disk.snapshot, disk.path, (done) => onProgress(Math.min(1, done / size)));
  return { ...base, bytesWritten };
}

async function openReader(task: SnapshotTaskGoal, deps: RestoreTaskDeps): Promise<PointReader | undefined> {
  if (task.repositoryPointId === undefined) return undefined;
  if (!deps.openPointReader) throw new ArcaError('ArcaInternalError', { operation: `running restore task ${task.taskId}`, reference: 'the extension was given no way to reach the vault' });
  try {
    return await deps.openPointReader(task.repositoryPointId);
  } catch (error) {
    // The vault closed the reading: the task was called off (failed or timed out on the vault's side).
    if (isArcaError(error) && (error.code === 'UploadChannelNoOpenTask' || error.code === 'RestoreReadNoOpenTask')) throw new ArcaError('OperationCancelled', { reason: 'the vault closed the restore: the task was called off' }, { cause: error });
    throw error;
  }
}

function errorReport(taskId: string, thrown: unknown): TaskStatusReport {
  const error = isArcaError(thrown) ? thrown : new ArcaError('ArcaInternalError', { operation: `running restore task ${taskId}`, reference: 'vmsnapshot' }, { cause: thrown });
  return { taskId, status: 'error', error: { code: error.code, params: wireParams(error) } };
}

/**
 * One restore task (OriginalLocation), idempotent per task id: checks, then a safety point of the
 * disks as they are (once per task), then each disk cloned back from the instant point's snapshot,
 * or — for a task with `repositoryPointId` — brought to the vault tier's copy by writing only the
 * chunks that differ; synced. Progress: 10 after the checks, 30 after the safety point, 100 at the end.
 */
export async function runRestoreTask(task: SnapshotTaskGoal, deps: RestoreTaskDeps): Promise<TaskStatusReport> {
  let journal = await readRestoreJournal(deps.stateDir, task.taskId);
  if (journal.final) {
    await deps.report(journal.final);
    return journal.final;
  }
  let final: TaskStatusReport;
  let reader: PointReader | undefined;
  try {
    const disks = restoreDisks(task);
    await checkRestorable(task, disks, deps);
    // Opened before the safety point: a vault that cannot be reached, or refuses, leaves the disks untouched.
    reader = await openReader(task, deps);
    await deps.report({ taskId: task.taskId, status: 'transitioning', progress: 10 });
    if (!journal.safetyTaken) {
      journal = { ...journal, safetyPoints: [...new Set(disks.map((d) => dirname(d.safetyPath)))] };
      await writeRestoreJournal(deps.stateDir, journal);
      for (const disk of disks) await takeSafetyCopy(disk);
      journal = { ...journal, safetyTaken: true };
      await writeRestoreJournal(deps.stateDir, journal);
      deps.log?.(`safety point taken: ${disks.map((d) => d.safetyPath).join(', ')}`);
    }
    await deps.report({ taskId: task.taskId, status: 'transitioning', progress: 30 });
    const restored: RestoredDiskReport[] = [];
    let shown = 30;
    for (const [i, disk] of disks.entries()) {
      restored.push(
        await restoreDisk(disk, reader, deps.machine.name, (fraction) => {
          const progress = Math.floor(30 + (70 * (i + fraction)) / disks.length);
          if (progress >= shown + 5 && progress < 100) {
            shown = progress;
            void deps.report({ taskId: task.taskId, status: 'transitioning', progress });
          }
        }),
      );
    }
    deps.log?.(`restored ${disks.length} disks from point ${task.pointName}${reader ? ' (vault tier)' : ''}`);
    final = { taskId: task.taskId, status: 'success', progress: 100, result: { restored } };
  } catch (thrown) {
    final = errorReport(task.taskId, thrown);
  } finally {
    reader?.close();
  }
  await writeRestoreJournal(deps.stateDir, { ...journal, final });
  await deps.report(final);
  return final;
}
