import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

const SYS_BLOCK = '/sys/block';

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** `major:minor` of a block device and of each of its partitions, from sysfs. */
async function deviceAndPartitions(sysDir: string): Promise<string[]> {
  const numbers: string[] = [];
  const own = await readTrimmed(join(sysDir, 'dev'));
  if (own) numbers.push(own);
  const name = basename(sysDir);
  let entries: string[] = [];
  try {
    entries = await readdir(sysDir);
  } catch {
    return numbers;
  }
  for (const entry of entries.filter((e) => e.startsWith(name))) {
    const partition = await readTrimmed(join(sysDir, entry, 'dev'));
    if (partition) numbers.push(partition);
  }
  return numbers;
}

/** Loop devices whose backing file is `file` (the kernel keeps the path it was given, resolved). */
async function loopDevicesOf(file: string): Promise<string[]> {
  const target = await realpath(file);
  let names: string[] = [];
  try {
    names = (await readdir(SYS_BLOCK)).filter((n) => n.startsWith('loop'));
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const name of names) {
    const backing = await readTrimmed(join(SYS_BLOCK, name, 'loop', 'backing_file'));
    if (backing === target) found.push(join(SYS_BLOCK, name));
  }
  return found;
}

/**
 * The block devices (`major:minor`) that carry a disk's data: a block device and its partitions,
 * or for an image file the loop devices attached to it and their partitions. Mounts of these
 * devices are the file systems living on the disk — the ones a freeze must cover.
 */
export async function devicesOfDisk(path: string): Promise<Set<string>> {
  const info = await stat(path);
  const numbers = new Set<string>();
  if (info.isBlockDevice()) {
    const major = Number((BigInt(info.rdev) >> 8n) & 0xfffn);
    const minor = Number((BigInt(info.rdev) & 0xffn) | ((BigInt(info.rdev) >> 12n) & ~0xffn));
    const sysDir = await realpath(`/sys/dev/block/${major}:${minor}`).catch(() => undefined);
    numbers.add(`${major}:${minor}`);
    if (sysDir) for (const n of await deviceAndPartitions(sysDir)) numbers.add(n);
    return numbers;
  }
  for (const loop of await loopDevicesOf(path)) for (const n of await deviceAndPartitions(loop)) numbers.add(n);
  return numbers;
}
