import type { TaskStatusReport } from '../../protocol/index.ts';
import type { ProgressReporter } from './extension-host.ts';
import { readStatus } from './status-files.ts';

export interface TaskStatusPoller {
  stop(): void;
  /** Settles after the last read following `stop`, with every new report passed on. */
  readonly done: Promise<void>;
  last(): TaskStatusReport | undefined;
}

/**
 * Watches the status file of one sequence number while the extension runs and passes each new
 * task report on, in order, once. Polled: inotify misses renames over a file on some file systems,
 * and a status report is due only every few hundred milliseconds anyway.
 */
export function pollTaskReports(statusDir: string, sequence: number, taskId: string, report: ProgressReporter, intervalMs: number): TaskStatusPoller {
  let last: TaskStatusReport | undefined;
  let lastText = '';
  let stopped = false;
  let wake: (() => void) | undefined;
  const readOnce = async () => {
    let entry;
    try {
      entry = await readStatus(statusDir, sequence);
    } catch {
      return; // a half-written file from a writer that does not rename; read it next time
    }
    const task = entry?.task;
    if (task === undefined || task.taskId !== taskId) return;
    const text = JSON.stringify(task);
    if (text === lastText) return;
    lastText = text;
    last = task;
    await report(task);
  };
  const done = (async () => {
    for (;;) {
      await readOnce();
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await readOnce();
  })();
  return {
    stop: () => {
      stopped = true;
      wake?.();
    },
    done,
    last: () => last,
  };
}
