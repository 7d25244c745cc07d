import { randomBytes } from 'node:crypto';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errnoOf } from './fs-error.ts';

/** Bytes per write or read call, so a large blob honours an abort between calls. */
export const IO_CHUNK_BYTES = 1 << 20;

/**
 * Writes `data` to a new, uniquely named file in `folder` and flushes it to the disk; returns its
 * path. On failure (or abort) the file is removed again. A writer killed meanwhile leaves the file
 * behind, which is why it lives in a folder of its own that is swept by age.
 */
export async function writeTemporaryFile(folder: string, data: Uint8Array, signal?: AbortSignal): Promise<string> {
  const { path, handle } = await openTemporaryFile(folder);
  try {
    for (let offset = 0; offset < data.length; ) {
      signal?.throwIfAborted();
      const length = Math.min(IO_CHUNK_BYTES, data.length - offset);
      const { bytesWritten } = await handle.write(data, offset, length, offset);
      offset += bytesWritten;
    }
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(path, { force: true }).catch(() => undefined);
    throw error;
  }
  return path;
}

/** Creates a new, uniquely named, empty file in `folder` (made if missing) and opens it for writing. */
export async function openTemporaryFile(folder: string): Promise<{ path: string; handle: FileHandle }> {
  const path = join(folder, `${randomBytes(8).toString('hex')}.tmp`);
  const handle = await onDemandFolder(folder, () => open(path, 'wx', 0o644));
  return { path, handle };
}

/**
 * Runs `action`, and when it fails because `folder` does not exist yet, creates the folder (and
 * flushes every folder it had to create into its parent) and runs it once more.
 */
export async function onDemandFolder<T>(folder: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error;
  }
  const first = await mkdir(folder, { recursive: true });
  if (first !== undefined) {
    for (let dir = folder; ; dir = dirname(dir)) {
      await syncFolder(dirname(dir));
      if (dir === first || dirname(dir) === dir) break;
    }
  }
  return action();
}

/** Flushes a folder's entries, so a rename or link into it survives a power cut. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot flush a folder; the data itself is already on the disk.
    if (errnoOf(error) !== 'EINVAL') throw error;
  } finally {
    await handle.close();
  }
}
