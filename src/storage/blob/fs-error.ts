import { ArcaError } from '../../core/errors/index.ts';
import { OPERATION_VERBS, type BlobOperation } from './blob-operation.ts';

/** errno codes grouped by what they mean for a caller; anything unlisted counts as unavailable. */
const FULL = new Set(['ENOSPC', 'EDQUOT']);
const DENIED = new Set(['EACCES', 'EPERM', 'EROFS']);
/** Not-found and wrong-kind errors that mean "there is no object here". */
export const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

export interface FsFailure {
  readonly operation: BlobOperation;
  /** The key, or the prefix for list, as the caller gave it. */
  readonly key: string;
  /** The store's root, named by RepositoryStoreFull. */
  readonly location: string;
}

export function errnoOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/**
 * Turns a Node file-system error into the port's codes, keeping the original as `cause`. Missing
 * objects are not handled here: each operation decides what a missing file means for it.
 */
export function fsErrorToArca(error: unknown, failure: FsFailure): ArcaError {
  if (error instanceof ArcaError) return error;
  const errno = errnoOf(error);
  const operation = OPERATION_VERBS[failure.operation];
  if (errno !== undefined && FULL.has(errno)) {
    return new ArcaError('RepositoryStoreFull', { location: failure.location }, { cause: error });
  }
  if (errno !== undefined && DENIED.has(errno)) {
    return new ArcaError('RepositoryPermissionDenied', { operation, key: failure.key }, { cause: error });
  }
  // EIO, EAGAIN, EBUSY, ETIMEDOUT, ENOTCONN, ESTALE, EMFILE, ENFILE and the unknown: the medium
  // failed in a way that may pass. Callers retry a few times; the cause says what it was.
  const reason = error instanceof Error ? error.message : String(error);
  return new ArcaError('RepositoryStoreUnavailable', { operation, key: failure.key, reason }, { cause: error });
}
