import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { TIB } from '../../core/limits.ts';
import { systemClock } from '../../platform/system-clock.ts';
import type { SnapshotTaskGoal } from '../../protocol/index.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { ReflinkSnapshotProvider } from './snapshot-provider.ts';
import { runSnapshotTask, type SnapshotTaskDeps } from './snapshot-task.ts';

const run = promisify(execFile);
/** The first bytes of a LUKS header (magic and version 2), as cryptsetup writes at offset 0. */
const LUKS_HEADER = Buffer.from([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe, 0x00, 0x02]);

const isRoot = process.getuid?.() === 0;
/** ext4 refuses sparse files over 16 TiB: a private tmpfs as root, /dev/shm otherwise. */
const skip = isRoot || existsSync('/dev/shm') ? false : 'needs a tmpfs for sparse files over 16 TiB (root to mount one, or /dev/shm)';
const loopSkip = (() => {
  if (!isRoot) return 'needs root to attach a loop device';
  try {
    return execFileSync('losetup', ['-f'], { encoding: 'utf8' }).trim() ? false : 'no free loop device';
  } catch (error) {
    return `loop devices are not available here (${(error as Error).message.split('\n')[0]})`;
  }
})();

const task = (id: string, disks: SnapshotTaskGoal['disks']): SnapshotTaskGoal => ({
  taskId: id, kind: 'snapshot', state: 'pending', jobName: id, collectionId: 'AzureBackupRG_vm1_1', pointName: id, consistencyWanted: 'FileSystemConsistent', disks,
});

/**
 * The disk size limits measured by the extension on real disks: sparse image files on tmpfs (the
 * sizes are real, the holes take no memory), one of them starting with a LUKS header, and a loop
 * device over the largest — a 33 TiB block device whose size comes from the kernel.
 */
describe('disk size limits on real sparse disks', { skip }, () => {
  let base: string;
  let dir: string;
  let mounted = false;
  const deps = (): SnapshotTaskDeps => ({
    clock: systemClock,
    config: DEFAULT_CONFIG,
    freezer: {
      freeze: async (mounts) => {
        assert.deepEqual(mounts, [], 'no mount lives on these disks');
        return { mounts: [], thawedByWatchdog: () => false, thaw: async () => true };
      },
    },
    providers: [new ReflinkSnapshotProvider()],
    loadProbe: { sample: async () => ({ cpuPercent: 5, memoryPercent: 5 }) },
    readMounts: async () => [],
    machine: { id: 'machine-1', name: 'vm1' },
    logDir: join(base, 'logs'),
    stateDir: join(base, 'state'),
    report: async () => undefined,
  });

  async function sparse(name: string, size: number, header?: Buffer): Promise<string> {
    const path = join(dir, name);
    if (header) {
      const file = await open(path, 'w');
      await file.write(header, 0, header.length, 0);
      await file.close();
    } else {
      await writeFile(path, '');
    }
    await truncate(path, size);
    return path;
  }

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'arca-vmsnapshot-sizes-'));
    if (isRoot) {
      dir = join(base, 'tmpfs');
      await mkdir(dir);
      await run('mount', ['-t', 'tmpfs', '-o', 'size=16M', 'arca-sparse-disks', dir]);
      mounted = true;
    } else {
      dir = await mkdtemp(join('/dev/shm', 'arca-sparse-disks-'));
    }
  });

  after(async () => {
    if (mounted) await run('umount', [dir]).catch(() => undefined);
    else if (dir) await rm(dir, { recursive: true, force: true });
    await rm(base, { recursive: true, force: true });
  });

  it('passes disks of exactly the limits: 32 TiB, and 4 TiB encrypted (read live, as tmpfs cannot clone)', async () => {
    const plain = await sparse('exact.img', 32 * TIB);
    const encrypted = await sparse('exact-luks.img', 4 * TIB, LUKS_HEADER);
    const final = await runSnapshotTask(task('task-exact', [{ name: 'data1', path: plain }, { name: 'data2', path: encrypted }]), deps());
    assert.equal(final.status, 'transitioning', JSON.stringify(final.error));
    assert.equal(final.phase, 'transfer');
    assert.equal(final.result?.consistency, 'CrashConsistent');
  });

  it('refuses a 33 TiB disk image with UserErrorUnsupportedDiskSize naming it, its size and the limit', async () => {
    const huge = await sparse('huge.img', 33 * TIB);
    const final = await runSnapshotTask(task('task-huge', [{ name: 'data1', path: huge }]), deps());
    assert.equal(final.error?.code, 'UserErrorUnsupportedDiskSize', JSON.stringify(final));
    assert.deepEqual(final.error?.params, { vmName: 'vm1', diskName: 'data1', size: '33 TiB', limit: '32 TiB' });
  });

  it('refuses a 5 TiB disk that starts with a LUKS header, with the encrypted limit of 4 TiB; the same size without the header passes', async () => {
    const luks = await sparse('luks.img', 5 * TIB, LUKS_HEADER);
    const final = await runSnapshotTask(task('task-luks', [{ name: 'secure', path: luks }]), deps());
    assert.equal(final.error?.code, 'UserErrorUnsupportedDiskSize', JSON.stringify(final));
    assert.deepEqual(final.error?.params, { vmName: 'vm1', diskName: 'secure', size: '5 TiB', limit: '4 TiB' });
    const plain = await sparse('plain5.img', 5 * TIB);
    assert.equal((await runSnapshotTask(task('task-plain5', [{ name: 'plain', path: plain }]), deps())).status, 'transitioning');
  });

  it('refuses a 33 TiB block device (a loop device over the sparse file), its size read from the kernel', { skip: loopSkip }, async () => {
    const huge = await sparse('huge-dev.img', 33 * TIB);
    const loop = (await run('losetup', ['-f', '--show', huge])).stdout.trim();
    try {
      const final = await runSnapshotTask(task('task-huge-dev', [{ name: 'blockdisk', path: loop }]), deps());
      assert.equal(final.error?.code, 'UserErrorUnsupportedDiskSize', JSON.stringify(final));
      assert.equal(final.error?.params?.['size'], '33 TiB');
    } finally {
      await run('losetup', ['-d', loop]);
    }
  });
});
