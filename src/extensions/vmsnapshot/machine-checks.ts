import { execFile } from 'node:child_process';
import { open, readFile, stat, statfs } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Clock } from '../../core/clock.ts';
import { ArcaError } from '../../core/errors/index.ts';
import { checkDiskSizes, isUnderHighLoad } from '../../core/limits.ts';
import type { TaskDisk } from './snapshot-provider.ts';

const run = promisify(execFile);
const LUKS_MAGIC = Buffer.from([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe]);

export interface DiskFacts {
  readonly name: string;
  readonly path: string;
  readonly sizeBytes: number;
  readonly encrypted: boolean;
}

/**
 * Opens a disk and learns its size and whether it starts with a LUKS header. A disk that cannot be
 * opened (gone, unreadable, or a block device without a medium) is UserErrorUnableToOpenMount
 * naming it, as the seed's "unable to open mount" is for disks.
 */
export async function diskFacts(disk: TaskDisk, vmName: string): Promise<DiskFacts> {
  try {
    const info = await stat(disk.path);
    const sizeBytes = info.isBlockDevice() ? Number((await run('blockdev', ['--getsize64', disk.path])).stdout.trim()) : info.size;
    // A block device of no size has no medium behind it: a loop device detached from its file.
    if (info.isBlockDevice() && !(sizeBytes > 0)) throw new Error(`${disk.path} has no medium (a block device of size 0, such as a detached loop device)`);
    const handle = await open(disk.path, 'r');
    try {
      const head = Buffer.alloc(LUKS_MAGIC.length);
      await handle.read(head, 0, head.length, 0);
      return { name: disk.name, path: disk.path, sizeBytes, encrypted: head.equals(LUKS_MAGIC) };
    } finally {
      await handle.close();
    }
  } catch (cause) {
    throw new ArcaError('UserErrorUnableToOpenMount', { vmName, mountPoint: disk.path }, { cause });
  }
}

/** Over 32 TiB, or encrypted over 4 TiB: UserErrorUnsupportedDiskSize (core's rule). */
export function checkSizes(vmName: string, disks: readonly DiskFacts[]): void {
  checkDiskSizes({ name: vmName, disks: disks.map(({ name, sizeBytes, encrypted }) => ({ name, sizeBytes, encrypted })) });
}

/**
 * Copy-on-write snapshots grow as the disks change until the transfer ends; the seed's rule is to
 * keep half the storage free. Each folder holding snapshots must have `minFreePercent` of its file
 * system free, else UserErrorBCMPremiumStorageQuotaError.
 */
export async function checkFreeSpace(vmName: string, folders: readonly string[], minFreePercent: number): Promise<void> {
  for (const folder of new Set(folders)) {
    const fs = await statfs(folder);
    const freePercent = (Number(fs.bavail) / Number(fs.blocks)) * 100;
    if (freePercent < minFreePercent) throw new ArcaError('UserErrorBCMPremiumStorageQuotaError', { vmName, path: folder });
  }
}

export interface LoadSample {
  readonly cpuPercent: number;
  readonly memoryPercent: number;
}

/** Measures how busy the machine is. */
export interface LoadProbe {
  sample(): Promise<LoadSample>;
}

function cpuTimes(text: string): { busy: number; total: number } {
  const fields = (text.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** Memory in use as the kernel sees it: 1 − MemAvailable / MemTotal. */
export function memoryPercent(meminfo: string): number {
  const value = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(meminfo)?.[1] ?? Number.NaN);
  return Math.round((1 - value('MemAvailable') / value('MemTotal')) * 1000) / 10;
}

/** /proc/stat over a short interval for CPU, /proc/meminfo for memory. */
export class ProcLoadProbe implements LoadProbe {
  readonly #intervalMs: number;

  constructor(intervalMs = 500) {
    this.#intervalMs = intervalMs;
  }

  async sample(): Promise<LoadSample> {
    const before = cpuTimes(await readFile('/proc/stat', 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, this.#intervalMs));
    const after = cpuTimes(await readFile('/proc/stat', 'utf8'));
    const total = after.total - before.total;
    const cpuPercent = total > 0 ? Math.round(((after.busy - before.busy) / total) * 1000) / 10 : 0;
    return { cpuPercent, memoryPercent: memoryPercent(await readFile('/proc/meminfo', 'utf8')) };
  }
}

export interface LoadWaitOptions {
  readonly vmName: string;
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** Above these the snapshot waits; both default to core's 90 %. */
  readonly thresholds?: { readonly cpuPercent: number; readonly memoryPercent: number };
  readonly onDelayed?: (sample: LoadSample) => void;
}

function isBusy(sample: LoadSample, thresholds: LoadWaitOptions['thresholds']): boolean {
  if (thresholds === undefined) return isUnderHighLoad(sample.cpuPercent, sample.memoryPercent);
  return sample.cpuPercent > thresholds.cpuPercent || sample.memoryPercent > thresholds.memoryPercent;
}

/**
 * Waits while the machine runs above 90 % CPU or memory (the snapshot is delayed, as the seed
 * says); past `timeoutMs` it fails with UserErrorSnapshotDelayedByLoad and the last figures.
 */
export async function waitForLoad(probe: LoadProbe, options: LoadWaitOptions): Promise<LoadSample> {
  const deadline = options.clock.now().getTime() + options.timeoutMs;
  for (;;) {
    const sample = await probe.sample();
    if (!isBusy(sample, options.thresholds)) return sample;
    options.onDelayed?.(sample);
    if (options.clock.now().getTime() >= deadline) {
      throw new ArcaError('UserErrorSnapshotDelayedByLoad', { vmName: options.vmName, cpuPercent: sample.cpuPercent, memoryPercent: sample.memoryPercent });
    }
  }
}
