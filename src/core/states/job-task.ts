import type { JobOperation } from './job-operation.ts';
import { defineMachine } from './state-machine.ts';

/**
 * The steps a job shows, named as Azure's backup jobs name theirs. A backup is "Take Snapshot"
 * (pre-script, freeze, snapshot, thaw, post-script) then "Transfer data to vault"; a restore is
 * "Transfer data from vault" then "Create restored disks". Other operations have no tasks.
 */
export const JOB_TASK_NAMES = {
  takeSnapshot: 'Take Snapshot',
  transferToVault: 'Transfer data to vault',
  transferFromVault: 'Transfer data from vault',
  createRestoredDisks: 'Create restored disks',
} as const;
export type JobTaskName = (typeof JOB_TASK_NAMES)[keyof typeof JOB_TASK_NAMES];

export function tasksFor(operation: JobOperation): readonly JobTaskName[] {
  switch (operation) {
    case 'Backup':
      return [JOB_TASK_NAMES.takeSnapshot, JOB_TASK_NAMES.transferToVault];
    case 'Restore':
    case 'CrossRegionRestore':
      return [JOB_TASK_NAMES.transferFromVault, JOB_TASK_NAMES.createRestoredDisks];
    default:
      return [];
  }
}

/**
 * A task's status. `Skipped` is for a task that will not run (an instant restore needs no transfer
 * from the vault); a task not yet started is Cancelled with its job, or Skipped, never Failed.
 */
export const TASK_STATUSES = ['NotStarted', 'InProgress', 'Completed', 'Failed', 'Cancelled', 'Skipped'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const taskStatusMachine = defineMachine<TaskStatus>({
  subject: 'TaskStatus',
  initial: ['NotStarted'],
  transitions: {
    NotStarted: ['InProgress', 'Skipped', 'Cancelled'],
    InProgress: ['Completed', 'Failed', 'Cancelled'],
    Completed: [],
    Failed: [],
    Cancelled: [],
    Skipped: [],
  },
});

export interface JobTask {
  readonly name: string;
  readonly status: TaskStatus;
}

/** The task that is running, or else the one that runs next; undefined once all are settled. */
export function activeTask<T extends JobTask>(tasks: readonly T[]): T | undefined {
  return tasks.find((task) => task.status === 'InProgress') ?? tasks.find((task) => task.status === 'NotStarted');
}

/**
 * Cancel is allowed only while "Take Snapshot" is the active task: once data is moving to the vault
 * the job runs to its end, as in Azure Backup.
 */
export function isCancellablePhase(tasks: readonly JobTask[]): boolean {
  const active = activeTask(tasks);
  return active !== undefined && active.name.toLowerCase() === JOB_TASK_NAMES.takeSnapshot.toLowerCase();
}
