import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Tests that need real file systems: an XFS with reflink in a loop-mounted image file (where disk
 * images and their copy-on-write snapshots live), and optionally a guest disk image on it holding
 * ext4, attached through a second loop device and mounted (what gets frozen). Needs root, the
 * tools named, free loop devices and XFS in the kernel; whyNoLoopRig says what is missing.
 */
export const run = promisify(execFile);

const has = (tool: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const PACKAGE_OF: Readonly<Record<string, string>> = { 'mkfs.xfs': 'xfsprogs', xfs_io: 'xfsprogs', 'mkfs.ext4': 'e2fsprogs', debugfs: 'e2fsprogs', fsfreeze: 'util-linux', losetup: 'util-linux' };

/** Why the rig cannot be built here (for `describe(…, { skip })`), or undefined when it can. */
export function whyNoLoopRig(extraTools: readonly string[] = []): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (loop devices, mount)';
  for (const tool of ['losetup', 'mount', 'mkfs.xfs', ...extraTools]) {
    if (!has(tool)) return `${tool} is not installed${PACKAGE_OF[tool] ? ` (apt-get install -y ${PACKAGE_OF[tool]})` : ''}`;
  }
  try {
    if (!execFileSync('losetup', ['-f'], { encoding: 'utf8' }).trim()) return 'no free loop device';
  } catch (error) {
    return `loop devices are not available here (${(error as Error).message.split('\n')[0]})`;
  }
  const kernel = execFileSync('sh', ['-c', 'cat /proc/filesystems; ls /lib/modules/$(uname -r)/kernel/fs 2>/dev/null || true'], { encoding: 'utf8' });
  if (!/\bxfs\b/.test(kernel)) return 'the kernel has no XFS';
  return undefined;
}

export interface LoopRigOptions {
  /** Prefix of the temporary folder. */
  readonly prefix: string;
  /** Size of the XFS image, as truncate takes it (e.g. '300M'). */
  readonly xfsSize: string;
  /** A guest disk image of this size on the XFS (at xfs/disks/osdisk.img), with ext4, mounted at root/vm-data. */
  readonly guestDiskSize?: string;
}

/** The folders of a built rig, and dispose() to take it all down again (thawing first). */
export interface LoopRig {
  readonly root: string;
  /** Where the reflink XFS is mounted. */
  readonly xfs: string;
  /** The guest disk image (only with guestDiskSize). */
  readonly disk: string;
  /** Where the guest's ext4 is mounted (only with guestDiskSize). */
  readonly mount: string;
  dispose(): Promise<void>;
}

export async function createLoopRig(options: LoopRigOptions): Promise<LoopRig> {
  const root = await mkdtemp(join(tmpdir(), options.prefix));
  const xfs = join(root, 'xfs');
  const mount = join(root, 'vm-data');
  const disk = join(xfs, 'disks', 'osdisk.img');
  // What to undo, last first: a guest's mount, then its loop device, then the XFS under it.
  const undo: (() => Promise<unknown>)[] = [];
  const dispose = async () => {
    for (const step of undo.toReversed()) await step().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  };
  const attach = async (file: string, at: string) => {
    const loop = (await run('losetup', ['-f', '--show', file])).stdout.trim();
    undo.push(() => run('losetup', ['-d', loop]));
    await run('mount', [loop, at]);
    undo.push(async () => {
      await run('fsfreeze', ['-u', at]).catch(() => undefined);
      await run('umount', [at]);
    });
  };
  try {
    await mkdir(xfs);
    await run('truncate', ['-s', options.xfsSize, join(root, 'xfs.img')]);
    await run('mkfs.xfs', ['-q', '-m', 'reflink=1', join(root, 'xfs.img')]);
    await attach(join(root, 'xfs.img'), xfs);
    if (options.guestDiskSize !== undefined) {
      await mkdir(mount);
      await mkdir(join(xfs, 'disks'));
      await run('truncate', ['-s', options.guestDiskSize, disk]);
      await run('mkfs.ext4', ['-q', disk]);
      await attach(disk, mount);
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { root, xfs, disk, mount, dispose };
}
