import { defineMachine } from './state-machine.ts';

/**
 * A job's status, as Azure's JobStatus (its placeholder `Invalid` is never stored). Jobs are born
 * InProgress: Azure has no queued state. A cancel request moves the job to Cancelling; the work
 * then stops (Cancelled) or had already got past the point of no return and finishes anyway.
 */
export const JOB_STATUSES = ['InProgress', 'Cancelling', 'Completed', 'CompletedWithWarnings', 'Failed', 'Cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const FINISHED = ['Completed', 'CompletedWithWarnings', 'Failed'] as const;

export const jobStatusMachine = defineMachine<JobStatus>({
  subject: 'JobStatus',
  initial: ['InProgress'],
  transitions: {
    InProgress: [...FINISHED, 'Cancelling'],
    Cancelling: ['Cancelled', ...FINISHED],
    Completed: [],
    CompletedWithWarnings: [],
    Failed: [],
    Cancelled: [],
  },
});

/** InProgress and Cancelling: the job still holds its item. */
export function isJobActive(status: JobStatus): boolean {
  return status === 'InProgress' || status === 'Cancelling';
}
