import { open, readFile, type FileHandle } from 'node:fs/promises';
import { ArcaError } from '../../core/errors/index.ts';
import type { DiskSource } from '../points/manifest.ts';

/** An opened disk image or block device with its size and identity. */
export interface ImageSource {
  readonly handle: FileHandle;
  readonly source: DiskSource;
}

function deviceNumbers(rdev: number): { major: number; minor: number } {
  return { major: Math.floor(rdev / 256) & 0xfff, minor: (rdev & 0xff) | ((Math.floor(rdev / 4096) & 0xfff00) >>> 0) };
}

/** Block devices report size 0 to fstat; the kernel gives it in 512-byte sectors under /sys. */
async function blockDeviceSize(rdev: number): Promise<number> {
  const { major, minor } = deviceNumbers(rdev);
  const sectors = await readFile(`/sys/dev/block/${major}:${minor}/size`, 'utf8');
  return Number(sectors.trim()) * 512;
}

export async function openImage(path: string): Promise<ImageSource> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const st = await handle.stat();
    if (!st.isFile() && !st.isBlockDevice()) throw new Error('it is neither a regular file nor a block device');
    const size = st.isBlockDevice() ? await blockDeviceSize(st.rdev) : st.size;
    return { handle, source: { kind: st.isBlockDevice() ? 'block' : 'file', path, size, mtimeMs: st.mtimeMs, ino: st.ino, dev: st.dev, ctimeMs: st.ctimeMs } };
  } catch (error) {
    await handle?.close();
    throw new ArcaError('ImageFileUnreadable', { path, reason: (error as Error).message }, { cause: error });
  }
}

/** Same file, same size, not modified since: its previous chunk list is still right. */
export function unchanged(previous: DiskSource | undefined, current: DiskSource): boolean {
  return (
    previous !== undefined &&
    current.kind === 'file' &&
    previous.kind === 'file' &&
    previous.path === current.path &&
    previous.size === current.size &&
    previous.mtimeMs === current.mtimeMs &&
    previous.ino === current.ino &&
    previous.dev === current.dev
  );
}
