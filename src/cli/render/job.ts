import type { JobProperties, Resource } from '../../client/backup-api.ts';
import { fromJobErrorDetail } from '../../client/remote-error.ts';
import type { ArcaError, Language } from '../../core/errors/index.ts';
import { EXIT_CODES, exitCodeFor, type ExitCode } from '../exit-codes.ts';
import { formatTable } from '../output.ts';
import { keyValues } from './key-values.ts';

export type Job = Resource<JobProperties>;

export const JOB_ENDS = ['Completed', 'CompletedWithWarnings', 'Failed', 'Cancelled'] as const;

export function isFinished(job: Job): boolean {
  return (JOB_ENDS as readonly string[]).includes(job.properties.status);
}

/** The first error of a job as a catalog error, with the words the vault wrote in the language asked for. */
export function jobError(job: Job, language: Language): ArcaError | undefined {
  for (const detail of job.properties.errorDetails ?? []) {
    const error = fromJobErrorDetail(detail, language);
    if (error) return error;
  }
  return undefined;
}

/**
 * The exit code of a finished job: 0 Completed, 7 CompletedWithWarnings, 8 Cancelled, and for a
 * failed job the exit code of its error code (as if the request itself had failed with it), else 1.
 */
export function exitCodeOfJob(job: Job, language: Language): ExitCode {
  switch (job.properties.status) {
    case 'Completed':
      return EXIT_CODES.ok;
    case 'CompletedWithWarnings':
      return EXIT_CODES.jobWarnings;
    case 'Cancelled':
      return EXIT_CODES.jobCancelled;
    default: {
      const error = jobError(job, language);
      const code = error ? exitCodeFor(error) : EXIT_CODES.failure;
      return code === EXIT_CODES.ok ? EXIT_CODES.failure : code;
    }
  }
}

export function jobRow(job: Job): string[] {
  const p = job.properties;
  return [job.name, p.operation, p.status, p.entityFriendlyName ?? '', p.startTime ?? '', p.duration ?? '', p.errorDetails?.[0]?.code ?? ''];
}

export const JOB_HEADERS = ['JOB', 'OPERATION', 'STATUS', 'VM', 'START', 'DURATION', 'ERROR'];

const ERROR_LABELS = { en: { error: 'error', steps: 'What to do:' }, es: { error: 'error', steps: 'Qué hacer:' } } as const;

/** A job as a block: facts, tasks with their progress, and each error with its code, title, message and numbered steps. */
export function formatJob(job: Job, language: Language): string {
  const p = job.properties;
  const tasks = p.extendedInfo?.tasksList ?? [];
  const parts = [
    keyValues([
      ['job', job.name],
      ['operation', p.operation],
      ['status', p.status],
      ['vm', p.entityFriendlyName],
      ['start', p.startTime],
      ['end', p.endTime],
      ['duration', p.duration],
      ['progress', p.extendedInfo?.progressPercentage === undefined ? undefined : `${p.extendedInfo.progressPercentage}%`],
      ['actions', (p.actionsInfo ?? []).join(', ')],
    ]),
  ];
  if (tasks.length > 0) {
    parts.push('tasks:\n', formatTable(['TASK', 'STATUS', 'PROGRESS', 'DURATION'], tasks.map((t) => [t.taskId, t.status, t.progressPercentage === undefined ? '' : `${t.progressPercentage}%`, t.duration ?? ''])));
  }
  const l = ERROR_LABELS[language];
  for (const detail of p.errorDetails ?? []) {
    parts.push(
      [
        `${l.error} ${detail.code ?? ''} (${detail.errorCode ?? ''}): ${detail.errorTitle ?? ''}`,
        `  ${detail.errorString ?? ''}`,
        `  ${l.steps}`,
        ...(detail.recommendations ?? []).map((step, i) => `    ${i + 1}. ${step}`),
        '',
      ].join('\n'),
    );
  }
  return parts.join('');
}
