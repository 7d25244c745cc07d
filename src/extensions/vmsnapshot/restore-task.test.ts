import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SnapshotTaskGoal, TaskStatusReport } from '../../protocol/index.ts';
import { RESTORE_BLOCK_BYTES, writeChangedBlocks } from './restore-blocks.ts';
import { snapshotPath } from './restore-points.ts';
import { runRestoreTask, safetyPointPath } from './restore-task.ts';

const KIB64 = RESTORE_BLOCK_BYTES;
const COLLECTION = '/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/restorePointCollections/c1';

describe('restore task: safety point, then the disks brought back to the snapshot', () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'arca-restore-task-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('writes only the 64 KiB blocks that differ, and cuts a longer target to the source', async () => {
    const source = join(work, 'blocks-src.img');
    const target = join(work, 'blocks-dst.img');
    const data = randomBytes(16 * KIB64 + 100);
    await writeFile(source, data);
    const changed = Buffer.from(data);
    randomBytes(10).copy(changed, 3 * KIB64 + 5);
    randomBytes(10).copy(changed, 9 * KIB64);
    await writeFile(target, Buffer.concat([changed, randomBytes(KIB64)]));
    const result = await writeChangedBlocks(source, target);
    assert.deepEqual(result, { bytesCompared: data.length, bytesWritten: 2 * KIB64 });
    assert.ok((await readFile(target)).equals(data));
    assert.deepEqual(await writeChangedBlocks(source, target), { bytesCompared: data.length, bytesWritten: 0 }, 'an equal disk is only read');
  });

  async function machine(name: string) {
    const dir = join(work, name);
    await mkdir(dir);
    const disks = ['os', 'data'].map((disk) => ({ name: disk, path: join(dir, `${disk}.img`) }));
    const task: SnapshotTaskGoal = { taskId: `job-${name}`, kind: 'restore', state: 'pending', jobName: `job-${name}`, collectionId: COLLECTION, pointName: '123456', consistencyWanted: 'FileSystemConsistent', disks };
    const snapshots: Record<string, Buffer> = {};
    const current: Record<string, Buffer> = {};
    for (const disk of disks) {
      snapshots[disk.name] = randomBytes(8 * KIB64);
      current[disk.name] = Buffer.from(snapshots[disk.name] as Buffer);
      randomBytes(KIB64).copy(current[disk.name] as Buffer, 2 * KIB64);
      const snap = snapshotPath(disk.path, COLLECTION, task.pointName, disk.name);
      await mkdir(dirname(snap), { recursive: true });
      await writeFile(snap, snapshots[disk.name] as Buffer);
      await writeFile(disk.path, current[disk.name] as Buffer);
    }
    const reports: TaskStatusReport[] = [];
    const deps = { machine: { id: 'm1', name: 'web-1' }, stateDir: join(dir, 'state'), readMounts: async () => [], report: async (r: TaskStatusReport) => void reports.push(r) };
    return { dir, disks, task, snapshots, current, reports, deps };
  }

  it('takes the safety point, restores each disk (blockwise where the file system cannot clone), and reports each disk', async () => {
    const m = await machine('plain');
    const final = await runRestoreTask(m.task, m.deps);
    assert.equal(final.status, 'success', JSON.stringify(final));
    for (const disk of m.disks) {
      assert.ok((await readFile(disk.path)).equals(m.snapshots[disk.name] as Buffer), `${disk.name} is the snapshot again`);
      const safety = safetyPointPath(disk.path, COLLECTION, m.task.taskId, disk.name);
      assert.ok((await readFile(safety)).equals(m.current[disk.name] as Buffer), `the safety copy of ${disk.name} is the disk before`);
      assert.equal((await stat(safety)).mode & 0o077, 0, 'the safety point folder and file are private to root');
    }
    const written = final.result?.restored?.map((r) => [r.disk, r.bytesWritten]);
    // On a file system with reflink the whole file is cloned (nothing written); else only the changed block.
    assert.ok(written?.every(([, bytes]) => bytes === 0 || bytes === KIB64), JSON.stringify(written));
    const progress = m.reports.map((r) => r.progress ?? -1);
    assert.deepEqual([progress[0], progress[1], progress.at(-1)], [10, 30, 100], JSON.stringify(progress));
    assert.deepEqual(progress, progress.toSorted((a, b) => a - b), 'progress only moves forward');
  });

  it('runs once per task id: run again, it reports the stored result and writes nothing', async () => {
    const m = await machine('again');
    const first = await runRestoreTask(m.task, m.deps);
    const [os] = m.disks;
    await writeFile(os?.path as string, 'written after the restore');
    const second = await runRestoreTask(m.task, m.deps);
    assert.deepEqual(second, first);
    assert.equal(await readFile(os?.path as string, 'utf8'), 'written after the restore');
  });

  it('refuses a point whose snapshot is gone (UserErrorInstantRpNotFound) before taking a safety point or writing', async () => {
    const m = await machine('gone');
    const [, data] = m.disks;
    await rm(snapshotPath(data?.path as string, COLLECTION, m.task.pointName, 'data'));
    const final = await runRestoreTask(m.task, m.deps);
    assert.equal(final.status, 'error');
    assert.deepEqual(final.error, { code: 'UserErrorInstantRpNotFound', params: { recoveryPointId: '123456', vmName: 'web-1' } });
    for (const disk of m.disks) {
      assert.ok((await readFile(disk.path)).equals(m.current[disk.name] as Buffer), `${disk.name} untouched`);
      assert.equal(await stat(safetyPointPath(disk.path, COLLECTION, m.task.taskId, disk.name)).then(() => true, () => false), false);
    }
  });
});
