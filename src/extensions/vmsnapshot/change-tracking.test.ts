import assert from 'node:assert/strict';
import { mkdir, mkdtemp, open, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLoopRig, whyNoLoopRig, type LoopRig } from '../../platform/testing/loop-rig.ts';
import type { SnapshotTaskGoal, TaskStatusReport } from '../../protocol/index.ts';
import { LocalFsBlobStore } from '../../storage/blob/local-fs-blob-store.ts';
import type { loadPoint } from '../../storage/points/point-store.ts';
import type { Repository } from '../../storage/repository/repository.ts';
import { pseudoRandom, testRepository, TEST_CONFIG, writeImage } from '../../storage/testing/fixtures.ts';
import type { ChunkWorkerPool } from '../../storage/workers/worker-pool.ts';
import { previousSnapshots } from './change-tracking.ts';
import { snapshotPath } from './restore-points.ts';
import { runSnapshotTask } from './snapshot-task.ts';
import { writeJournal, type TaskJournal } from './task-journal.ts';
import { LocalRepositoryUploader } from './uploader.ts';
import { hostDeps, assertPointMatchesSnapshot } from './testing.ts';

const COLLECTION = 'AzureBackupRG_vm1_1';

async function settled(state: string, taskId: string, status: 'success' | 'error', snapshots: { disk: string; path: string }[], ageSeconds: number): Promise<void> {
  const journal: TaskJournal = {
    taskId,
    snapshot: { consistency: 'FileSystemConsistent', snapshots },
    final: { taskId, status, phase: 'transfer', ...(status === 'success' ? { result: { snapshots, manifestId: `point-of-${taskId}` } } : { error: { code: 'ArcaInternalError', params: {} } }) },
  };
  await writeJournal(state, journal);
  const when = new Date(Date.now() - ageSeconds * 1000);
  await utimes(join(state, 'tasks', `${taskId}.json`), when, when);
}

describe('previous snapshots from the task journals', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-ct-journals-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function snapshotFile(point: string, disk: string): Promise<string> {
    const path = snapshotPath(join(dir, 'disks', `${disk}.img`), COLLECTION, point, disk);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, 'x');
    return path;
  }

  it('names, per disk, the newest snapshot a successful task uploaded that is still there', async () => {
    const state = join(dir, 'state');
    const older = { os: await snapshotFile('t1', 'os'), data: await snapshotFile('t1', 'data') };
    const newer = { os: await snapshotFile('t2', 'os') };
    const failed = { os: await snapshotFile('t3', 'os'), data: await snapshotFile('t3', 'data') };
    const gone = { data: await snapshotFile('t4', 'data') };
    await settled(state, 't1', 'success', [{ disk: 'os', path: older.os }, { disk: 'data', path: older.data }], 400);
    await settled(state, 't2', 'success', [{ disk: 'os', path: newer.os }], 300);
    await settled(state, 't3', 'error', [{ disk: 'os', path: failed.os }, { disk: 'data', path: failed.data }], 200);
    await settled(state, 't4', 'success', [{ disk: 'data', path: gone.data }], 100);
    await rm(gone.data);
    const current = { os: await snapshotFile('t5', 'os'), data: await snapshotFile('t5', 'data'), live: join(dir, 'disks', 'live.img') };
    await writeFile(current.live, 'live');
    const hints = await previousSnapshots(state, 't5', [{ disk: 'os', path: current.os }, { disk: 'data', path: current.data }, { disk: 'live', path: current.live }]);
    assert.deepEqual(hints, {
      [current.os]: { snapshotPath: newer.os, pointId: 'point-of-t2' },
      [current.data]: { snapshotPath: older.data, pointId: 'point-of-t1' },
    });
  });

  it('names nothing when there are no journals yet', async () => {
    const path = await snapshotFile('first', 'os');
    assert.deepEqual(await previousSnapshots(join(dir, 'empty-state'), 'first', [{ disk: 'os', path }]), {});
  });
});

const task = (disk: string, id: string): SnapshotTaskGoal => ({
  taskId: id, kind: 'snapshot', state: 'pending', jobName: id, collectionId: COLLECTION, pointName: id, consistencyWanted: 'FileSystemConsistent', disks: [{ name: 'osdisk', path: disk }],
});


describe('snapshot tasks on XFS with reflink read only what changed since the previous snapshot', { skip: whyNoLoopRig(['xfs_io']) ?? false }, () => {
  let root: string;
  let xfs: string;
  let rig: LoopRig | undefined;
  let repo: Repository;
  let pool: ChunkWorkerPool;

  before(async () => {
    rig = await createLoopRig({ prefix: 'arca-ct-task-', xfsSize: '300M' });
    ({ root, xfs } = rig);
    ({ repo, pool } = await testRepository(new LocalFsBlobStore(join(root, 'repo'))));
  });
  after(async () => {
    await pool?.close();
    await rig?.dispose();
  });

  async function backup(disk: string, id: string): Promise<{ final: TaskStatusReport; reading: NonNullable<Awaited<ReturnType<typeof loadPoint>>['disks'][number]['reading']> }> {
    const final = await runSnapshotTask(task(disk, id), hostDeps(root, { uploader: new LocalRepositoryUploader(repo, pool) }));
    const manifest = await assertPointMatchesSnapshot(repo, pool, final, root);
    return { final, reading: manifest.disks[0]?.reading ?? assert.fail('no reading recorded') };
  }

  it('backs up the second point reading only the rewritten chunks, and reads all again once the previous snapshot is removed', async () => {
    const disk = join(xfs, 'disks', 'osdisk.img');
    await mkdir(dirname(disk));
    const size = 8 * 1024 * 1024;
    await writeImage(disk, { size, seed: 42, zeroShare: 0.1 });
    const first = await backup(disk, 'task-1');
    assert.equal(first.reading.bytesRead + first.reading.bytesSkipped, size);
    assert.equal(first.reading.previousPoint, undefined);

    const file = await open(disk, 'r+');
    await file.write(pseudoRandom(1, 4096), 0, 4096, 3 * TEST_CONFIG.imageChunkSize + 123);
    await file.write(pseudoRandom(2, 4096), 0, 4096, 77 * TEST_CONFIG.imageChunkSize);
    await file.close();
    const second = await backup(disk, 'task-2');
    assert.equal(second.reading.previousPoint, first.final.result?.manifestId);
    assert.equal(second.reading.bytesRead, 2 * TEST_CONFIG.imageChunkSize);

    await rm(second.final.result?.snapshots?.[0]?.path ?? '');
    await rm(first.final.result?.snapshots?.[0]?.path ?? '');
    const third = await backup(disk, 'task-3');
    assert.equal(third.reading.bytesSkipped, 0);
    assert.equal(third.reading.bytesRead, size);
  });
});
