import type { ArcaError } from '../core/errors/index.ts';

/**
 * Exit codes scripts can rely on. They follow the error's HTTP status so that the same failure
 * gives the same exit code whether it was found locally or by the vault.
 */
export const EXIT_CODES = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  unauthorized: 5,
  unavailable: 6,
  /** `arca job watch`, `backup now --wait`, `restore --wait`: the job completed with warnings. */
  jobWarnings: 7,
  /** The job watched was cancelled. (A failed job exits with its error code's exit code, 1 if it has none.) */
  jobCancelled: 8,
  internal: 70,
  cancelled: 130,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

export function exitCodeFor(error: ArcaError): ExitCode {
  if (error.code === 'OperationCancelled') return EXIT_CODES.cancelled;
  const status = error.httpStatus;
  if (status === 400 || status === 422) return EXIT_CODES.usage;
  if (status === 401 || status === 403) return EXIT_CODES.unauthorized;
  if (status === 404) return EXIT_CODES.notFound;
  if (status === 409 || status === 412) return EXIT_CODES.conflict;
  if (status === 503 || status === 504) return EXIT_CODES.unavailable;
  if (error.code === 'ArcaInternalError') return EXIT_CODES.internal;
  return EXIT_CODES.failure;
}
