import assert from 'node:assert/strict';
import { mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../platform/system-clock.ts';
import { createLoopRig, whyNoLoopRig, type LoopRig } from '../../platform/testing/loop-rig.ts';
import type { TaskStatusReport } from '../../protocol/index.ts';
import type { BlobStore, GetOptions } from '../../storage/blob/blob-store.ts';
import { LocalFsBlobStore } from '../../storage/blob/local-fs-blob-store.ts';
import { CHUNK_ID_BYTES } from '../../storage/crypto/keys.ts';
import type { DiskManifest } from '../../storage/points/manifest.ts';
import { LAYOUT } from '../../storage/repository/layout.ts';
import { Repository } from '../../storage/repository/repository.ts';
import { pseudoRandom, testRepository, TEST_CONFIG, TEST_PASSPHRASE, writeImage } from '../../storage/testing/fixtures.ts';
import type { ChunkWorkerPool } from '../../storage/workers/worker-pool.ts';
import { runSnapshotTask } from './snapshot-task.ts';
import { readJournal } from './task-journal.ts';
import { LocalRepositoryUploader } from './uploader.ts';
import { hostDeps, assertPointMatchesSnapshot } from './testing.ts';

const CHUNK = TEST_CONFIG.imageChunkSize;
const SIZE = 8 * 1024 * 1024;

/** Like the upload channel (ADR 5): objects may be written and metadata read, but no pack is served. */
function withoutPackReads(store: BlobStore): BlobStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name === 'get') {
        return async (key: string, options?: GetOptions) => {
          if (key.startsWith(LAYOUT.data)) throw new Error(`the channel does not serve ${key}`);
          return target.get(key, options);
        };
      }
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}


describe('the extension keeps each upload’s chunk ids for the next backup’s change tracking', { skip: whyNoLoopRig(['xfs_io']) ?? false }, () => {
  let root: string;
  let xfs: string;
  let rig: LoopRig | undefined;
  let repo: Repository;
  let pool: ChunkWorkerPool;
  /** The same repository as a machine sees it through the channel: packs are never read back. */
  let channelRepo: Repository;
  let disk: string;
  let state: string;
  let n = 0;

  before(async () => {
    rig = await createLoopRig({ prefix: 'arca-kept-ids-task-', xfsSize: '300M' });
    ({ root, xfs } = rig);
    state = join(root, 'state');
    ({ repo, pool } = await testRepository(new LocalFsBlobStore(join(root, 'repo'))));
    channelRepo = await Repository.open(withoutPackReads(new LocalFsBlobStore(join(root, 'repo'))), { passphrase: TEST_PASSPHRASE, clock: systemClock });
    disk = join(xfs, 'disks', 'osdisk.img');
    await mkdir(dirname(disk));
    await writeImage(disk, { size: SIZE, seed: 7, zeroShare: 0.1 });
  });
  after(async () => {
    await pool?.close();
    await rig?.dispose();
  });

  /** One snapshot task uploading through `channelRepo`; checks the point restores to the snapshot. */
  async function backup(): Promise<{ final: TaskStatusReport; taskId: string; disk: DiskManifest }> {
    const taskId = `task-${++n}`;
    const final = await runSnapshotTask(
      { taskId, kind: 'snapshot', state: 'pending', jobName: taskId, collectionId: 'AzureBackupRG_vm1_1', pointName: taskId, consistencyWanted: 'FileSystemConsistent', disks: [{ name: 'osdisk', path: disk }] },
      hostDeps(root, { stateDir: state, uploader: new LocalRepositoryUploader(channelRepo, pool) }),
    );
    const manifest = await assertPointMatchesSnapshot(repo, pool, final, root);
    return { final, taskId, disk: manifest.disks[0] ?? assert.fail('no disk') };
  }

  async function change(seed: number, chunk: number): Promise<void> {
    const file = await open(disk, 'r+');
    try {
      await file.write(pseudoRandom(seed, 4096), 0, 4096, chunk * CHUNK + 100);
    } finally {
      await file.close();
    }
  }

  it('journals the ids beside the task, reads only what changed from them, and reads all when they are damaged or gone', async () => {
    const first = await backup();
    const journal = await readJournal(state, first.taskId);
    const file = join(state, journal.chunkIds?.['osdisk'] ?? assert.fail('the journal names no kept ids'));
    assert.equal((await stat(file)).size, first.disk.chunkCount * CHUNK_ID_BYTES, '32 bytes per chunk');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.ok(!JSON.stringify(first.final).includes('chunkIds'), 'the ids stay out of the report sent to the vault');

    // Through a repository that serves no packs, only the kept ids can carry the tracking.
    await change(1, 5);
    const second = await backup();
    assert.equal(second.disk.reading?.previousPoint, first.final.result?.manifestId, second.disk.reading?.fullReadReason);
    assert.equal(second.disk.reading?.bytesRead, CHUNK);
    assert.equal(second.disk.reading?.bytesSkipped, SIZE - CHUNK);

    // A flipped byte in the kept ids: the manifest does not vouch for them, so the disk is read whole.
    const secondIds = join(state, (await readJournal(state, second.taskId)).chunkIds?.['osdisk'] ?? assert.fail('no ids kept'));
    const ids = await readFile(secondIds);
    ids[40] = (ids[40] as number) ^ 0x80;
    await writeFile(secondIds, ids);
    await change(2, 9);
    const third = await backup();
    assert.equal(third.disk.reading?.bytesRead, SIZE);
    assert.match(third.disk.reading?.fullReadReason ?? '', /kept chunk ids differ from the point's chunk list/);

    // Gone: the reason names the file.
    await rm(join(state, (await readJournal(state, third.taskId)).chunkIds?.['osdisk'] ?? assert.fail('no ids kept')));
    await change(3, 11);
    const fourth = await backup();
    assert.equal(fourth.disk.reading?.bytesRead, SIZE);
    assert.match(fourth.disk.reading?.fullReadReason ?? '', /chunk ids kept on this machine could not be read \(.*task-3.* is gone\)/);
  });
});
