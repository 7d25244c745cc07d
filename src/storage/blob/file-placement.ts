import { link, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ArcaError } from '../../core/errors/index.ts';
import { onDemandFolder } from './durable-file.ts';
import { errnoOf } from './fs-error.ts';

/** Kinds of errno that say a key collides with another key's folder (`a` as a file and `a/b`). */
const IN_THE_WAY = new Set(['ENOTDIR', 'EISDIR', 'ENOTEMPTY']);

/**
 * Moves a flushed temporary file to `target`, making the folders it needs: a rename replaces what
 * is there; for ifNotExists a link, which fails with EEXIST when the name is taken, after which
 * the temporary name is dropped (one left behind is swept by cleanTemporary).
 */
export async function placeFile(temporary: string, target: string, ifNotExists: boolean): Promise<void> {
  await onDemandFolder(dirname(target), () => (ifNotExists ? link(temporary, target) : rename(temporary, target)));
  if (ifNotExists) await unlink(temporary).catch(() => undefined);
}

/**
 * The port's error for a failed placeFile when the errno means more than "unavailable": the key is
 * taken (ifNotExists), or it collides with another key's folder. Undefined for every other errno.
 */
export function placementError(error: unknown, key: string, ifNotExists: boolean): ArcaError | undefined {
  const errno = errnoOf(error) ?? '';
  if (errno === 'EEXIST' && ifNotExists) return new ArcaError('RepositoryBlobExists', { key }, { cause: error });
  if (IN_THE_WAY.has(errno)) {
    const reason = `"${key}" collides with another key: one names a folder the other needs as a file`;
    return new ArcaError('UserErrorInvalidArgument', { name: 'key', reason }, { cause: error });
  }
  return undefined;
}
