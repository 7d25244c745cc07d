import { constants } from 'node:fs';
import { copyFile, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The unit compared and written when a disk is brought back block by block. */
export const RESTORE_BLOCK_BYTES = 64 * 1024;

export interface BlockWriteResult {
  readonly bytesCompared: number;
  readonly bytesWritten: number;
}

/** Reads into all of `buffer` from `position`, however many calls that takes; fewer bytes only at the end of the file. */
export async function readFully(file: FileHandle, buffer: Uint8Array, position: number): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/**
 * Makes `target` equal to `source` by writing only the 64 KiB blocks that differ (a block device,
 * or a file system without reflink); equal blocks are left alone, so an unchanged disk is only
 * read. A regular-file target is cut to the source's length. Synced before it returns.
 */
export async function writeChangedBlocks(source: string, target: string, onProgress?: (bytesDone: number) => void): Promise<BlockWriteResult> {
  const from = await open(source, 'r');
  try {
    const to = await open(target, 'r+');
    try {
      const wanted = Buffer.allocUnsafe(RESTORE_BLOCK_BYTES);
      const present = Buffer.allocUnsafe(RESTORE_BLOCK_BYTES);
      let offset = 0;
      let written = 0;
      for (;;) {
        const n = await readFully(from, wanted, offset);
        if (n === 0) break;
        const m = await readFully(to, present.subarray(0, n), offset);
        if (m !== n || !wanted.subarray(0, n).equals(present.subarray(0, n))) {
          await to.write(wanted, 0, n, offset);
          written += n;
        }
        offset += n;
        onProgress?.(offset);
        if (n < RESTORE_BLOCK_BYTES) break;
      }
      if ((await to.stat()).isFile()) await to.truncate(offset);
      await to.sync();
      return { bytesCompared: offset, bytesWritten: written };
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
}

/**
 * Clones `source` over `target` in place (FICLONE of the whole file: the target keeps its inode,
 * owner and mode, and shares the source's extents), then syncs it. Copying with FICLONE truncates
 * the target before the clone, so the clone is first tried on a scratch file beside the target:
 * false (target untouched) when this file system cannot clone between the two.
 */
export async function cloneOver(source: string, target: string): Promise<boolean> {
  const probe = join(dirname(target), `.${basename(target)}.arca-clone-probe`);
  try {
    await copyFile(source, probe, constants.COPYFILE_FICLONE_FORCE);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV' || code === 'EINVAL' || code === 'ENOSYS' || code === 'ENOTTY') return false;
    throw error;
  } finally {
    await rm(probe, { force: true });
  }
  await copyFile(source, target, constants.COPYFILE_FICLONE_FORCE);
  const file = await open(target, 'r+');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
  return true;
}

/** True when `path` is a regular file (a disk image), false for a block device. */
export async function isImageFile(path: string): Promise<boolean> {
  return (await stat(path)).isFile();
}
