import cliProgress from 'cli-progress';
import type { VaultRef } from '../../client/backup-api.ts';
import { ArcaError } from '../../core/errors/index.ts';
import type { Session } from '../context/session.ts';
import { isFinished, type Job } from './job.ts';

/** Shows a job's tasks as it runs: one live bar per task on a terminal, a line per change elsewhere. */
interface TaskView {
  update(job: Job): void;
  stop(): void;
}

const TASK_WIDTH = 24;
/** Everything on a bar's line but the bar: task, brackets, percentage and the longest task status (NotStarted). */
const BESIDE_BAR = ' '.length + TASK_WIDTH + ' ['.length + '] '.length + '100%'.length + ' NotStarted'.length;

/**
 * The bar's width: what the terminal leaves beside the rest of the line (80 columns when it does not
 * say), so that the status at the end is never cut off; cli-progress cuts lines at the terminal's width.
 */
export function barSize(columns: number | undefined): number {
  return Math.max(10, Math.min(40, (columns || 80) - BESIDE_BAR));
}

function bars(stream: NodeJS.WriteStream): TaskView {
  const multi = new cliProgress.MultiBar(
    { stream, format: ' {task} [{bar}] {percentage}% {status}', barsize: barSize(stream.columns), hideCursor: true, clearOnComplete: false, fps: 5, autopadding: true },
    cliProgress.Presets.shades_classic,
  );
  const byTask = new Map<string, cliProgress.SingleBar>();
  return {
    update(job) {
      for (const task of job.properties.extendedInfo?.tasksList ?? []) {
        const payload = { task: task.taskId.padEnd(TASK_WIDTH), status: task.status };
        const value = task.status === 'Completed' ? 100 : (task.progressPercentage ?? 0);
        const bar = byTask.get(task.taskId);
        if (bar) bar.update(value, payload);
        else byTask.set(task.taskId, multi.create(100, value, payload));
      }
    },
    stop: () => multi.stop(),
  };
}

function lines(write: (text: string) => void): TaskView {
  const seen = new Map<string, string>();
  let last = '';
  return {
    update(job) {
      const status = `${job.properties.operation} ${job.name}: ${job.properties.status}`;
      if (status !== last) write(`${status}\n`);
      last = status;
      for (const task of job.properties.extendedInfo?.tasksList ?? []) {
        const state = `${task.status}${task.progressPercentage === undefined ? '' : ` ${task.progressPercentage}%`}`;
        if (seen.get(task.taskId) !== state) write(`  ${task.taskId}: ${state}\n`);
        seen.set(task.taskId, state);
      }
    },
    stop: () => undefined,
  };
}

export interface WatchOptions {
  /** Seconds before giving up (the job goes on); 0 waits as long as the job runs. */
  readonly timeoutSeconds: number;
  readonly intervalMs?: number;
}

/** Reads the job until it ends, showing its tasks; resolves with the finished job. */
export async function watchJob(session: Session, vault: VaultRef, jobId: string, options: WatchOptions): Promise<Job> {
  const view: TaskView =
    session.out.format === 'json' ? { update: () => undefined, stop: () => undefined } : process.stderr.isTTY ? bars(process.stderr) : lines(session.out.write);
  const started = performance.now();
  try {
    for (;;) {
      const job = (await session.api.getJob(vault, jobId)) as Job;
      view.update(job);
      if (isFinished(job)) return job;
      if (options.timeoutSeconds > 0 && performance.now() - started > options.timeoutSeconds * 1000) {
        throw new ArcaError('CliWaitTimedOut', { what: `${job.properties.operation} job`, seconds: options.timeoutSeconds, jobId });
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
    }
  } finally {
    view.stop();
  }
}
