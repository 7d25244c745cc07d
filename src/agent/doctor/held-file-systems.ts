import { constants } from 'node:fs';
import { open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ConfiguredDisk } from '../config/agent-config-keys.ts';
import type { Detail } from './check.ts';
import type { MountEntry } from './mounts.ts';

/** The file systems fsck can check read-only: ext2/3/4 (e2fsck -n) and XFS (xfs_repair -n). */
export type CheckableKind = 'ext' | 'xfs';

/** A file system a disk holds: on the whole disk (a disk image or device) or on a block disk's partition. */
export interface HeldFileSystem {
  readonly path: string;
  readonly kind: CheckableKind;
  readonly isFile: boolean;
  /**
   * How it is in use now: mounts of it (or of a loop device over it), and what holds it: block
   * layers by name, or a sentence when the kernel refuses an exclusive open and no holder shows.
   */
  readonly mounts: readonly MountEntry[];
  readonly holders: readonly Detail[];
}

const EXT_MAGIC_OFFSET = 1024 + 0x38;

/** Who holds a device whose exclusive open the kernel refuses though no visible mount or layer uses it. */
export const UNSEEN_HOLDER = {
  en: 'a mount or user this process cannot see (exclusive open refused)',
  es: 'un montaje o usuario que este proceso no puede ver (se rechazó la apertura exclusiva)',
} as const;

/** ext2/3/4 by the superblock magic 0xEF53 at byte 1080; XFS by "XFSB" at byte 0. */
export async function fileSystemKind(path: string): Promise<CheckableKind | undefined> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const head = Buffer.alloc(4);
    const ext = Buffer.alloc(2);
    await handle.read(head, 0, 4, 0);
    await handle.read(ext, 0, 2, EXT_MAGIC_OFFSET);
    if (head.toString('latin1') === 'XFSB') return 'xfs';
    if (ext.readUInt16LE(0) === 0xef53) return 'ext';
    return undefined;
  } finally {
    await handle.close();
  }
}

const list = (dir: string) => readdir(dir).catch(() => [] as string[]);
const text = (path: string) => readFile(path, 'utf8').then((t) => t.trim(), () => undefined);

/** A block disk's partitions, as the kernel lists them under its own folder. */
async function partitionsOf(device: string, blockDir: string): Promise<string[]> {
  const name = basename(device);
  const parts: string[] = [];
  for (const entry of await list(join(blockDir, name))) {
    if (entry.startsWith(name) && (await text(join(blockDir, name, entry, 'partition'))) !== undefined) parts.push(`/dev/${entry}`);
  }
  return parts;
}

/** Loop devices whose backing file is `file` (a disk image attached with losetup). */
async function loopsOver(file: string, blockDir: string): Promise<string[]> {
  const loops: string[] = [];
  for (const name of (await list(blockDir)).filter((n) => /^loop\d+$/.test(n))) {
    const backing = await text(join(blockDir, name, 'loop', 'backing_file'));
    if (backing !== undefined && backing.replace(/ \(deleted\)$/, '') === file) loops.push(`/dev/${name}`);
  }
  return loops;
}

/**
 * A block device no visible mount uses may still be mounted in another mount namespace or held by
 * a layer: the kernel refuses an exclusive open then (EBUSY).
 */
async function busy(device: string): Promise<boolean> {
  const handle = await open(device, constants.O_RDONLY | constants.O_EXCL).catch((error: NodeJS.ErrnoException) => error);
  if (handle instanceof Error) return handle.code === 'EBUSY';
  await handle.close();
  return false;
}

/**
 * Every ext or XFS file system the disks hold, with the mounts that use it: a device's mounts are
 * matched by the real path of their source (so /dev/disk/by-uuid/… counts), an image's through the
 * loop devices over it.
 */
export async function heldFileSystems(disks: readonly ConfiguredDisk[], mounts: readonly MountEntry[], blockDir: string): Promise<HeldFileSystem[]> {
  const sources = await Promise.all(mounts.map(async (m) => ({ mount: m, real: m.source.startsWith('/') ? await realpath(m.source).catch(() => m.source) : m.source })));
  const mountsOf = (paths: readonly string[]) => sources.filter((s) => paths.includes(s.real)).map((s) => s.mount);
  const found: HeldFileSystem[] = [];
  const seen = new Set<string>();
  for (const disk of disks) {
    const real = await realpath(disk.path).catch(() => undefined);
    const info = real === undefined ? undefined : await stat(real).catch(() => undefined);
    if (real === undefined || info === undefined) continue;
    const candidates = info.isBlockDevice() ? [real, ...(await partitionsOf(real, blockDir))] : info.isFile() ? [real] : [];
    for (const path of candidates.filter((c) => !seen.has(c))) {
      seen.add(path);
      const kind = await fileSystemKind(path);
      if (kind === undefined) continue;
      const isFile = path === real && info.isFile();
      const loops = isFile ? await loopsOver(path, blockDir) : [];
      const used = mountsOf([path, ...loops]);
      const holders: Detail[] = isFile ? loops.filter((l) => mountsOf([l]).length === 0).map((l) => basename(l)) : await list(join(blockDir, basename(path), 'holders'));
      if (!isFile && used.length === 0 && holders.length === 0 && (await busy(path))) holders.push(UNSEEN_HOLDER);
      found.push({ path, kind, isFile, mounts: used, holders });
    }
  }
  return found;
}
