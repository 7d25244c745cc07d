import { open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ArcaError } from '../../core/errors/index.ts';
import type { ConfiguredDisk } from '../config/agent-config-keys.ts';

/** A disk as the agent found it: its size, and whether it holds a LUKS header (an encrypted disk). */
export interface MachineDisk {
  readonly name: string;
  readonly path: string;
  readonly sizeBytes: number;
  readonly kind: 'file' | 'block';
  readonly encrypted: boolean;
}

/** Every LUKS (1 and 2) volume starts with these six bytes. */
const LUKS_MAGIC = Buffer.from([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe]);
/** Devices that are never a VM's disk: loops, RAM disks, optical drives, device-mapper and RAID layers. */
const NOT_A_DISK = /^(loop|ram|zram|sr|fd|dm-|md|nbd)/;

/** fstat gives 0 for a block device; the kernel's own count of 512-byte sectors is the size. */
async function blockDeviceSize(path: string, sysBlock: string): Promise<number> {
  const device = basename(await realpath(path));
  const sectors = Number((await readFile(join(sysBlock, device, 'size'), 'utf8')).trim());
  return sectors * 512;
}

/** Opens the disk to learn its size and look for a LUKS header; AgentDiskUnreadable when it cannot. */
export async function describeDisk(disk: ConfiguredDisk, sysBlock = '/sys/class/block'): Promise<MachineDisk> {
  let handle;
  try {
    handle = await open(disk.path, 'r');
  } catch (error) {
    throw new ArcaError('AgentDiskUnreadable', { path: disk.path, reason: (error as Error).message }, { cause: error });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile() && !info.isBlockDevice()) throw new ArcaError('AgentDiskUnreadable', { path: disk.path, reason: 'it is neither a disk image file nor a block device' });
    const sizeBytes = info.isBlockDevice() ? await blockDeviceSize(disk.path, sysBlock) : info.size;
    if (sizeBytes <= 0) throw new ArcaError('AgentDiskUnreadable', { path: disk.path, reason: 'its size is 0' });
    const head = Buffer.alloc(LUKS_MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return { name: disk.name, path: disk.path, sizeBytes, kind: info.isBlockDevice() ? 'block' : 'file', encrypted: bytesRead === head.length && head.equals(LUKS_MAGIC) };
  } catch (error) {
    if (error instanceof ArcaError) throw error;
    throw new ArcaError('AgentDiskUnreadable', { path: disk.path, reason: (error as Error).message }, { cause: error });
  } finally {
    await handle.close();
  }
}

/** The machine's whole disks from /sys/class/block (partitions and virtual layers left out), named as the kernel names them. */
export async function discoverDisks(sysBlock = '/sys/class/block'): Promise<ConfiguredDisk[]> {
  const names = await readdir(sysBlock).catch(() => [] as string[]);
  const disks: ConfiguredDisk[] = [];
  for (const name of names.toSorted()) {
    if (NOT_A_DISK.test(name)) continue;
    const isPartition = await stat(join(sysBlock, name, 'partition')).then(() => true, () => false);
    if (!isPartition) disks.push({ name, path: `/dev/${name}` });
  }
  return disks;
}

/** The disks of the configuration (`Disks=`) or, when it names none, the ones the kernel shows. */
export async function machineDisks(configured: readonly ConfiguredDisk[] | undefined): Promise<MachineDisk[]> {
  const disks = configured ?? (await discoverDisks());
  return Promise.all(disks.map((disk) => describeDisk(disk)));
}
