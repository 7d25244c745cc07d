import { createHash } from 'node:crypto';
import { access, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArcaError } from '../../core/errors/index.ts';
import { writeFileAtomic } from '../../platform/files.ts';
import type { CommandRunner } from './command-runner.ts';
import { segment } from './restore-points.ts';
import type { SnapshotContext, SnapshotProvider, Support, TaskDisk } from './snapshot-provider.ts';

/**
 * Block devices that are already device-mapper devices (LVM volumes, dm linear mappings).
 *
 * dm-snapshot (the kernel's Documentation/admin-guide/device-mapper/snapshot.rst) needs two
 * targets: `snapshot <origin> <cow> N <chunk>` shows the origin as it was, and `snapshot-origin
 * <origin>` must carry every write to the origin, copying the old chunk into the COW store first.
 * The origin's writers therefore have to go through a snapshot-origin mapping. For a disk that is
 * already dm that is possible in place, as LVM does it: its table is cloned onto a new `-real`
 * device and the disk's own table is swapped for `snapshot-origin <-real>`, so the device the file
 * system has open keeps its number while it is suspended for the swap.
 *
 * For a raw disk or partition (/dev/sdb1, /dev/loop3) that is impossible: its file system writes
 * to it directly, not through any mapping, so a snapshot of it would miss those writes and silently
 * drift. Putting a dm linear mapping in front means unmounting it and mounting the mapping
 * instead, which a backup must not do to a running machine; such a disk is declined with that
 * reason, and the live read (CrashConsistent) is used.
 *
 * Everything is set up per task and recorded in `<state>/dm-snapshots/<task>.json` before it is
 * made, so that a failure, or the next run after a crash, can take it all down again
 * (`release`, idempotent). The snapshot is transient: it lives only until the disk is read.
 */
export interface DeviceMapperOptions {
  readonly stateDir: string;
  readonly runner: CommandRunner;
  /** Size of the sparse COW file made for each disk. */
  readonly cowSizeBytes: number;
  /** A spare block device used as the COW store instead of a file (one disk at a time). */
  readonly cowDevice?: string;
  readonly controlPath?: string;
  /** `major:minor` of a block device; undefined for anything else. */
  readonly blockDevice?: (path: string) => Promise<{ readonly major: number; readonly minor: number } | undefined>;
  readonly log?: (line: string) => void;
}

interface DiskFacts {
  readonly origin: string;
  readonly originTable: string;
  readonly sectors: number;
}

export interface DmDiskRecord extends DiskFacts {
  readonly real: string;
  readonly snap: string;
  /** The COW file the extension made, absent when a spare device is used. */
  readonly cowFile?: string;
  /** The loop device over the COW file, or the spare device. */
  readonly cowDevice?: string;
}

export interface DmTaskRecord {
  readonly taskId: string;
  readonly disks: Readonly<Record<string, DmDiskRecord>>;
}

const CONTROL = '/dev/mapper/control';
const CHUNK_SECTORS = 8; // 4 KiB copy-on-write chunks
const CLONABLE = new Set(['linear', 'striped']);

async function statBlockDevice(path: string): Promise<{ major: number; minor: number } | undefined> {
  const info = await stat(path);
  if (!info.isBlockDevice()) return undefined;
  // Linux's dev_t encoding (major in bits 8-19, minor in bits 0-7 and 20-31).
  return { major: (info.rdev >> 8) & 0xfff, minor: (info.rdev & 0xff) | ((info.rdev >> 12) & 0xfff00) };
}

export class DeviceMapperSnapshotProvider implements SnapshotProvider {
  readonly name = 'device-mapper';
  readonly #options: DeviceMapperOptions;
  readonly #facts = new Map<string, DiskFacts>();

  constructor(options: DeviceMapperOptions) {
    this.#options = options;
  }

  #run(...args: string[]): Promise<string> {
    const [command = '', ...rest] = args;
    return this.#options.runner(command, rest);
  }

  async supports(disk: TaskDisk): Promise<Support> {
    const device = await (this.#options.blockDevice ?? statBlockDevice)(disk.path);
    if (!device) return { ok: false, reason: `${disk.path} is not a block device` };
    const present = await access(this.#options.controlPath ?? CONTROL).then(() => true, () => false);
    if (!present) return { ok: false, reason: 'device-mapper is not available on this machine (no /dev/mapper/control), so a block device cannot be snapshotted' };
    const origin = (await this.#run('dmsetup', 'info', '-c', '--noheadings', '-o', 'name', '-j', String(device.major), '-m', String(device.minor)).catch(() => '')).trim();
    if (!origin) {
      return { ok: false, reason: `${disk.path} is not a device-mapper device: its file system writes to it directly, so a snapshot would miss those writes, and putting a mapping in front of it would mean mounting it again` };
    }
    try {
      const lines = (await this.#run('dmsetup', 'table', origin)).trim().split('\n');
      const type = lines[0]?.split(/\s+/)[2] ?? '';
      if (lines.length !== 1) return { ok: false, reason: `${origin} is mapped in ${lines.length} segments; only a single linear or striped segment is snapshotted` };
      if (!CLONABLE.has(type)) return { ok: false, reason: `${origin} is a ${type} mapping; only linear and striped mappings are snapshotted` };
      const sectors = Number((await this.#run('blockdev', '--getsz', disk.path)).trim());
      if (!Number.isSafeInteger(sectors) || sectors <= 0) return { ok: false, reason: `the size of ${disk.path} could not be read` };
      this.#facts.set(disk.path, { origin, originTable: lines[0] ?? '', sectors });
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: `the mapping of ${origin} could not be read: ${(error as Error).message}` };
    }
  }

  #recordPath(taskId: string): string {
    return join(this.#options.stateDir, 'dm-snapshots', `${segment(taskId)}.json`);
  }

  async readRecord(taskId: string): Promise<DmTaskRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.#recordPath(taskId), 'utf8')) as DmTaskRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async #saveDisk(taskId: string, diskName: string, record: DmDiskRecord): Promise<void> {
    const current = (await this.readRecord(taskId)) ?? { taskId, disks: {} };
    const next: DmTaskRecord = { taskId, disks: { ...current.disks, [diskName]: record } };
    await writeFileAtomic(this.#recordPath(taskId), `${JSON.stringify(next, null, 2)}\n`, 0o600);
  }

  #fail(context: SnapshotContext, disk: TaskDisk, step: string, cause: unknown): ArcaError {
    return new ArcaError('ExtensionDeviceMapperSnapshotFailed', { vmName: context.vmName, diskName: disk.name, step, reason: (cause as Error).message ?? String(cause) }, { cause });
  }

  /** Before the freeze: the COW store (a sparse file on a loop device, or the spare device). */
  async prepare(disk: TaskDisk, context: SnapshotContext): Promise<void> {
    const facts = this.#facts.get(disk.path);
    if (!facts) throw this.#fail(context, disk, 'prepare the copy-on-write store', new Error('the disk was not planned for a device-mapper snapshot'));
    const base = `arca-${createHash('sha256').update(context.taskId).digest('hex').slice(0, 12)}-${segment(disk.name).slice(0, 40)}`;
    const spare = this.#options.cowDevice;
    let record: DmDiskRecord = { ...facts, real: `${base}-real`, snap: `${base}-snap`, ...(spare ? { cowDevice: spare } : { cowFile: join(this.#options.stateDir, 'dm-snapshots', `${base}.cow`) }) };
    await this.#saveDisk(context.taskId, disk.name, record); // recorded before anything exists
    if (!record.cowFile) return;
    try {
      await writeFile(record.cowFile, '', { mode: 0o600 });
      await truncate(record.cowFile, this.#options.cowSizeBytes);
      const loop = (await this.#run('losetup', '--find', '--show', record.cowFile)).trim();
      record = { ...record, cowDevice: loop };
      await this.#saveDisk(context.taskId, disk.name, record);
    } catch (cause) {
      await this.#rollback(context.taskId, disk.name, record);
      throw this.#fail(context, disk, 'prepare the copy-on-write store', cause);
    }
  }

  /** The origin, which `snapshot` suspends; known once `supports` accepted the disk. */
  devicesToResume(disk: TaskDisk): readonly string[] {
    const facts = this.#facts.get(disk.path);
    return facts ? [facts.origin] : [];
  }

  /**
   * Inside the frozen window: suspend the origin, map its extents again as `-real`, create the
   * snapshot of `-real`, swap the origin onto `snapshot-origin -real`, resume. `--nolockfs`
   * because the freezer has already frozen the file system; the suspension only holds I/O.
   */
  async snapshot(disk: TaskDisk, _target: string, context?: SnapshotContext): Promise<string> {
    if (!context) throw new Error('a device-mapper snapshot needs its task');
    const record = (await this.readRecord(context.taskId))?.disks[disk.name];
    if (!record?.cowDevice) throw this.#fail(context, disk, 'create the snapshot', new Error('no copy-on-write store was prepared'));
    const steps: readonly (readonly [string, readonly string[]])[] = [
      ['suspend the disk', ['suspend', '--nolockfs', record.origin]],
      ['map the disk again', ['create', record.real, '--table', record.originTable]],
      ['create the snapshot', ['create', record.snap, '--table', `0 ${record.sectors} snapshot /dev/mapper/${record.real} ${record.cowDevice} N ${CHUNK_SECTORS}`]],
      ['load the snapshot origin', ['load', record.origin, '--table', `0 ${record.sectors} snapshot-origin /dev/mapper/${record.real}`]],
      ['resume the disk', ['resume', record.origin]],
    ];
    for (const [step, args] of steps) {
      try {
        await this.#run('dmsetup', ...args);
      } catch (cause) {
        await this.#rollback(context.taskId, disk.name, record);
        throw this.#fail(context, disk, step, cause);
      }
    }
    return `/dev/mapper/${record.snap}`;
  }

  /** After the read: a snapshot whose COW store filled up was dropped by the kernel mid-read. */
  async verify(taskId: string, vmName: string): Promise<void> {
    const record = await this.readRecord(taskId);
    for (const [diskName, disk] of Object.entries(record?.disks ?? {})) {
      const context = { taskId, vmName };
      let status: string;
      try {
        status = await this.#run('dmsetup', 'status', disk.snap);
      } catch (cause) {
        throw this.#fail(context, { name: diskName, path: disk.origin }, 'check the snapshot after reading', cause);
      }
      if (/\b(Invalid|Overflow)\b/.test(status)) {
        const cowSize = disk.cowFile ? `${Math.round(this.#options.cowSizeBytes / 2 ** 20)} MiB` : String(disk.cowDevice);
        throw new ArcaError('UserErrorSnapshotCowStoreFull', { vmName, diskName, cowSize });
      }
    }
  }

  /** Takes down everything recorded for the task, whatever state a failure or crash left it in. */
  async release(taskId: string): Promise<void> {
    const record = await this.readRecord(taskId);
    if (!record) return;
    const failures: string[] = [];
    for (const disk of Object.values(record.disks)) failures.push(...(await this.#teardown(disk)));
    if (failures.length > 0) throw new Error(`the device-mapper snapshot of task ${taskId} was not fully removed (${failures.join('; ')}); the next run tries again`);
    await rm(this.#recordPath(taskId), { force: true });
  }

  async #rollback(taskId: string, diskName: string, record: DmDiskRecord): Promise<void> {
    const failures = await this.#teardown(record);
    if (failures.length > 0) this.#options.log?.(`device-mapper cleanup of ${diskName} left work for the next run: ${failures.join('; ')}`);
    else await this.#removeDisk(taskId, diskName);
  }

  async #removeDisk(taskId: string, diskName: string): Promise<void> {
    const current = await this.readRecord(taskId);
    if (!current) return;
    const { [diskName]: _gone, ...rest } = current.disks;
    if (Object.keys(rest).length === 0) await rm(this.#recordPath(taskId), { force: true });
    else await writeFileAtomic(this.#recordPath(taskId), `${JSON.stringify({ taskId, disks: rest }, null, 2)}\n`, 0o600);
  }

  /** 'Active', 'Suspended', or undefined when no such device exists. */
  async #state(name: string): Promise<string | undefined> {
    return this.#run('dmsetup', 'info', '-c', '--noheadings', '-o', 'suspended', name).then((out) => out.trim(), () => undefined);
  }

  /** Each step checks before it acts, so it can run any number of times; returns what failed. */
  async #teardown(record: DmDiskRecord): Promise<string[]> {
    const failures: string[] = [];
    const attempt = async (what: string, action: () => Promise<unknown>) => {
      try {
        await action();
      } catch (error) {
        failures.push(`${what}: ${(error as Error).message}`);
      }
    };
    // The origin first: its snapshot-origin table holds -real open and -snap registered.
    const state = await this.#state(record.origin);
    if (state !== undefined) {
      await attempt(`restore ${record.origin}`, async () => {
        await this.#run('dmsetup', 'clear', record.origin); // an inactive table left by a failed load
        const live = (await this.#run('dmsetup', 'table', record.origin)).trim();
        if (live.split(/\s+/)[2] === 'snapshot-origin') {
          await this.#run('dmsetup', 'load', record.origin, '--table', record.originTable);
          if (state !== 'Suspended') await this.#run('dmsetup', 'suspend', record.origin);
          await this.#run('dmsetup', 'resume', record.origin);
        } else if (state === 'Suspended') {
          await this.#run('dmsetup', 'resume', record.origin);
        }
      });
    }
    for (const name of [record.snap, record.real]) {
      if ((await this.#state(name)) !== undefined) await attempt(`remove ${name}`, () => this.#run('dmsetup', 'remove', name));
    }
    if (record.cowFile) {
      const cowFile = record.cowFile;
      await attempt('detach the copy-on-write file', async () => {
        // Only loop devices still backed by our file: a number seen before a reboot may be someone else's now.
        for (const line of (await this.#run('losetup', '-j', cowFile)).split('\n')) {
          const loop = line.split(':')[0]?.trim();
          if (loop) await this.#run('losetup', '-d', loop);
        }
      });
      if (failures.length === 0) await attempt('delete the copy-on-write file', () => rm(cowFile, { force: true }));
    }
    return failures;
  }
}
