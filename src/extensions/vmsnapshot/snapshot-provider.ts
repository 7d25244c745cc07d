import { constants } from 'node:fs';
import { copyFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** A disk as the task names it, with where it lives on this machine. */
export interface TaskDisk {
  readonly name: string;
  readonly path: string;
}

export type Support = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The task a snapshot belongs to: providers that set things up name and record them by it. */
export interface SnapshotContext {
  readonly taskId: string;
  readonly vmName: string;
}

/**
 * Takes a copy-on-write snapshot of one disk. `supports` is asked before anything is frozen, so
 * that the freeze covers only the snapshots themselves; `snapshot` must then take milliseconds.
 * Providers whose snapshots are transient (device-mapper) also `prepare` before the freeze,
 * `verify` after the disks are read and `release` once the task has settled — and `release` must
 * be safe to call any number of times, including after a crash or when nothing was set up.
 */
export interface SnapshotProvider {
  readonly name: string;
  supports(disk: TaskDisk, targetDir: string): Promise<Support>;
  prepare?(disk: TaskDisk, context: SnapshotContext): Promise<void>;
  /**
   * After `prepare`: the device-mapper devices `snapshot` suspends for this disk. The freeze
   * watchdog resumes them should the extension die or hang inside the frozen window.
   */
  devicesToResume?(disk: TaskDisk): readonly string[];
  /** Returns the snapshot's path. */
  snapshot(disk: TaskDisk, target: string, context?: SnapshotContext): Promise<string>;
  /** Throws when a snapshot stopped being a true image while it was read. */
  verify?(taskId: string, vmName: string): Promise<void>;
  release?(taskId: string): Promise<void>;
}

/** Disk image files on a file system that shares extents (XFS with reflink, btrfs): FICLONE. */
export class ReflinkSnapshotProvider implements SnapshotProvider {
  readonly name = 'reflink';

  async supports(disk: TaskDisk, targetDir: string): Promise<Support> {
    const info = await stat(disk.path);
    if (!info.isFile()) return { ok: false, reason: `${disk.path} is not an image file` };
    // The only sure test is a clone: XFS without reflink=1, ext4 and tmpfs refuse it.
    const probe = join(targetDir, `.reflink-probe-${process.pid}`);
    try {
      await writeFile(probe, 'probe');
      await copyFile(probe, `${probe}.clone`, constants.COPYFILE_FICLONE_FORCE);
      return { ok: true };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      return { ok: false, reason: `the file system under ${dirname(disk.path)} cannot clone files (${code}): no copy-on-write snapshot is possible` };
    } finally {
      await rm(probe, { force: true });
      await rm(`${probe}.clone`, { force: true });
    }
  }

  async snapshot(disk: TaskDisk, target: string): Promise<string> {
    await copyFile(disk.path, target, constants.COPYFILE_FICLONE_FORCE);
    return target;
  }
}

/** The fallback: no snapshot, the live disk is read later. The point is crash-consistent at best. */
export class LiveReadProvider implements SnapshotProvider {
  readonly name = 'live-read';

  supports(): Promise<Support> {
    return Promise.resolve({ ok: true });
  }

  snapshot(disk: TaskDisk): Promise<string> {
    return Promise.resolve(disk.path);
  }
}

export interface SnapshotPlan {
  readonly disk: TaskDisk;
  readonly provider: SnapshotProvider;
  readonly copyOnWrite: boolean;
  /** Why no copy-on-write snapshot: each provider's reason, when the live read was chosen. */
  readonly reason?: string;
}

/** The first provider that supports each disk; the live read, with the reasons, when none does. */
export async function planSnapshot(disk: TaskDisk, targetDir: string, providers: readonly SnapshotProvider[]): Promise<SnapshotPlan> {
  const reasons: string[] = [];
  for (const provider of providers) {
    const support = await provider.supports(disk, targetDir);
    if (support.ok) return { disk, provider, copyOnWrite: true };
    reasons.push(support.reason);
  }
  return { disk, provider: new LiveReadProvider(), copyOnWrite: false, reason: `${disk.name}: ${reasons.join('; ')}` };
}
