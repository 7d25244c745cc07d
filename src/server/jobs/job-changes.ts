import { ArcaError } from '../../core/errors/index.ts';
import { excessiveDurationWarning } from '../../core/limits.ts';
import {
  activeTask,
  isCancellablePhase,
  isJobActive,
  jobStatusMachine,
  taskStatusMachine,
  transition,
  type JobStatus,
  type TaskStatus,
} from '../../core/states/index.ts';
import { elapsedMs } from './iso-duration.ts';
import { EXCESSIVE_DURATION_PROPERTY, type JobDocument, type StoredError, type TaskRecord } from './job-record.ts';

/**
 * Every change to a job, as pure functions from one document to the next. Status and task moves go
 * through the core machines' `transition`, so an illegal move throws before anything is written;
 * callers re-apply a change to a fresh copy when a concurrent writer got in first.
 */

export type FinalStatus = Exclude<JobStatus, 'InProgress' | 'Cancelling'>;

/** The core task rules speak of `name`; Azure's task list of `taskId`. */
function coreView(tasks: readonly TaskRecord[]) {
  return tasks.map((task) => ({ name: task.taskId, status: task.status, task }));
}

function activeOf(tasks: readonly TaskRecord[]): TaskRecord | undefined {
  return activeTask(coreView(tasks))?.task;
}

export function inSnapshotPhase(tasks: readonly TaskRecord[]): boolean {
  return isCancellablePhase(coreView(tasks));
}

function moveStatus(job: JobDocument, to: JobStatus): JobStatus {
  return transition(jobStatusMachine, job.properties.status, to, `Job ${job.name}`);
}

function moveTask(job: JobDocument, task: TaskRecord, to: TaskStatus): TaskStatus {
  return transition(taskStatusMachine, task.status, to, `Task "${task.taskId}" of job ${job.name}`);
}

function withTasks(job: JobDocument, tasks: readonly TaskRecord[], extra: Partial<JobDocument['properties']['extendedInfo']> = {}): JobDocument {
  const progress = tasks.length === 0 ? undefined : Math.floor(tasks.reduce((sum, t) => sum + taskProgress(t), 0) / tasks.length);
  return {
    ...job,
    properties: {
      ...job.properties,
      extendedInfo: { ...job.properties.extendedInfo, ...extra, tasksList: tasks, ...(progress === undefined ? {} : { progressPercentage: progress }) },
    },
  };
}

function taskProgress(task: TaskRecord): number {
  if (task.status === 'Completed' || task.status === 'Skipped') return 100;
  return task.progressPercentage ?? 0;
}

function replaceTask(tasks: readonly TaskRecord[], old: TaskRecord, next: TaskRecord): TaskRecord[] {
  return tasks.map((task) => (task === old ? next : task));
}

/** Starts the task that runs next (the first not started), unless one is running already. */
export function startTask(job: JobDocument, now: Date): JobDocument {
  const tasks = job.properties.extendedInfo.tasksList;
  const task = activeOf(tasks);
  if (task === undefined || task.status === 'InProgress') return job;
  const started: TaskRecord = { ...task, status: moveTask(job, task, 'InProgress'), startTime: now.toISOString(), progressPercentage: 0 };
  return withTasks(job, replaceTask(tasks, task, started));
}

/** Progress of the running task (started if need be), 0–100, and the handler's estimate of what is left. */
export function setProgress(job: JobDocument, percent: number, now: Date, estimatedRemainingDuration?: string): JobDocument {
  const started = startTask(job, now);
  const tasks = started.properties.extendedInfo.tasksList;
  const task = activeOf(tasks);
  const clamped = Math.max(0, Math.min(100, Math.floor(percent)));
  const extra = estimatedRemainingDuration === undefined ? {} : { estimatedRemainingDuration };
  if (task === undefined) return withTasks(started, tasks, extra);
  return withTasks(started, replaceTask(tasks, task, { ...task, progressPercentage: clamped }), extra);
}

/** Completes the running task; the next one starts when the handler reports on it. */
export function completeTask(job: JobDocument, now: Date): JobDocument {
  const started = startTask(job, now);
  const tasks = started.properties.extendedInfo.tasksList;
  const task = activeOf(tasks);
  if (task === undefined) return started;
  const done: TaskRecord = { ...task, status: moveTask(started, task, 'Completed'), endTime: now.toISOString(), progressPercentage: 100 };
  return withTasks(started, replaceTask(tasks, task, done));
}

/** Settles the tasks a finished job leaves behind, in the words the task machine allows. */
function settleTasks(job: JobDocument, status: FinalStatus, now: Date): TaskRecord[] {
  const end = now.toISOString();
  return job.properties.extendedInfo.tasksList.map((task) => {
    if (task.status === 'InProgress') {
      const to: TaskStatus = status === 'Cancelled' ? 'Cancelled' : status === 'Failed' ? 'Failed' : 'Completed';
      return { ...task, status: moveTask(job, task, to), endTime: end, ...(to === 'Completed' ? { progressPercentage: 100 } : {}) };
    }
    if (task.status !== 'NotStarted' || status === 'Failed') return task;
    return { ...task, status: moveTask(job, task, status === 'Cancelled' ? 'Cancelled' : 'Skipped') };
  });
}

/**
 * Ends the job. A job that was flagged as too long and then completed ends CompletedWithWarnings,
 * with the warning among its error details.
 */
export function finishJob(job: JobDocument, outcome: { status: FinalStatus; error?: StoredError; warnings?: readonly StoredError[] }, now: Date): JobDocument {
  const warnings = [...job.arca.warnings, ...(outcome.warnings ?? [])];
  const status: FinalStatus = outcome.status === 'Completed' && warnings.length > 0 ? 'CompletedWithWarnings' : outcome.status;
  const tasks = settleTasks(job, status, now);
  const settled = withTasks(job, tasks);
  const { worker: _worker, ...internals } = job.arca;
  return {
    ...settled,
    properties: { ...settled.properties, status: moveStatus(job, status), endTime: now.toISOString() },
    arca: { ...internals, warnings, ...(outcome.error ? { error: outcome.error } : {}) },
  };
}

/**
 * Records a cancel request, or throws the refusal that fits: only backups can be cancelled, only
 * while InProgress, and only while the snapshot is being taken.
 */
export function requestCancel(job: JobDocument, now: Date, operationId: string): JobDocument {
  const { operation, status, extendedInfo } = job.properties;
  if (!isJobActive(status) || status === 'Cancelling') throw new ArcaError('UserErrorJobNotInProgress', { jobId: job.name, status });
  if (operation !== 'Backup') throw new ArcaError('UserErrorJobCancelNotSupported', { jobId: job.name, operation });
  if (!inSnapshotPhase(extendedInfo.tasksList)) {
    throw new ArcaError('UserErrorJobNotCancellable', { jobId: job.name, phase: activeOf(extendedInfo.tasksList)?.taskId ?? 'finishing' });
  }
  return {
    ...job,
    properties: { ...job.properties, status: moveStatus(job, 'Cancelling') },
    arca: { ...job.arca, cancel: { requestedAt: now.toISOString(), operationId } },
  };
}

/** Whether the API offers Cancellable on the job: the refusals above would all let it through. */
export function isCancellable(job: JobDocument): boolean {
  const { operation, status, extendedInfo } = job.properties;
  return status === 'InProgress' && operation === 'Backup' && inSnapshotPhase(extendedInfo.tasksList);
}

/** Flags a running job that has run too long; unchanged when it has not, or was flagged already. */
export function flagExcessiveDuration(job: JobDocument, now: Date): JobDocument {
  const { properties } = job;
  if (properties.excessiveDuration || !isJobActive(properties.status)) return job;
  const warning = excessiveDurationWarning({ jobId: job.name, operation: properties.operation }, elapsedMs(properties.startTime, undefined, now));
  if (warning === undefined) return job;
  return {
    ...job,
    properties: {
      ...properties,
      excessiveDuration: true,
      extendedInfo: { ...properties.extendedInfo, propertyBag: { ...properties.extendedInfo.propertyBag, [EXCESSIVE_DURATION_PROPERTY]: warning.code } },
    },
    arca: { ...job.arca, warnings: [...job.arca.warnings, { code: warning.code, params: warning.params }] },
  };
}
