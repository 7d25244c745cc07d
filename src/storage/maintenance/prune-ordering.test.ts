import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalFsBlobStore } from '../blob/local-fs-blob-store.ts';
import { backupImages } from '../backup/image-backup.ts';
import { forgetPoint } from '../points/forget.ts';
import { LAYOUT } from '../repository/layout.ts';
import { Repository } from '../repository/repository.ts';
import { restoreImage } from '../restore/image-restore.ts';
import { sha256File, TEST_PASSPHRASE, testRepository, writeImage } from '../testing/fixtures.ts';
import { holdNextManifest, HookStore } from '../testing/hook-store.ts';
import { pruneMarks } from './activity.ts';
import { pruneRepository } from './prune.ts';
import { verifyRepository } from './verify.ts';

async function restoresIdentically(repo: Repository, pool: Parameters<typeof restoreImage>[1]['pool'], point: string, image: string, out: string): Promise<void> {
  await restoreImage(repo, { pointId: point, disk: 0, to: out, pool, force: true });
  assert.equal(await sha256File(out), await sha256File(image));
}

describe('the order in which backups and prune read and write the repository', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-order-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('a backup reads the prune marks before the index, so a sweep between the two cannot hide a deleted pack', async () => {
    const store = new HookStore(new LocalFsBlobStore(join(dir, 'marks')));
    const { repo, pool } = await testRepository(store);
    try {
      const image = join(dir, 'marks.img');
      await writeImage(image, { size: 512 * 1024, seed: 3, zeroShare: 0 });
      await forgetPoint(repo, (await backupImages(repo, { paths: [image], pool })).manifest.id);
      // A backup left running makes the first prune only mark the unused packs.
      const other = join(dir, 'marks-other.img');
      await writeImage(other, { size: 64 * 1024, seed: 9, zeroShare: 0 });
      const held = holdNextManifest(store);
      const blocker = backupImages(repo, { paths: [other], pool });
      await held.reached;
      const first = await pruneRepository(repo, pool, { graceMs: 0 });
      assert.ok(first.packsMarked > 0 && first.packsDeleted === 0);
      held.release();
      await blocker;
      assert.equal((await pruneMarks(repo)).length, 1);
      // This backup starts ten minutes after the mark (by its clock), so the next prune does not wait
      // for it; that prune sweeps while the backup is between its two reads.
      const later = await Repository.open(store, { passphrase: TEST_PASSPHRASE, clock: { now: () => new Date(Date.now() + 10 * 60_000) } });
      let listed = 0;
      let swept = 0;
      store.beforeList = async (prefix) => {
        if (prefix === LAYOUT.prune || prefix === LAYOUT.index) listed++;
        // Whichever of the two the backup reads second: the sweep runs just before it.
        if (listed !== 2) return;
        store.beforeList = undefined;
        swept = (await pruneRepository(repo, pool, { graceMs: 0 })).packsDeleted;
      };
      const second = await backupImages(later, { paths: [image], pool, skipUnchanged: false });
      assert.ok(swept > 0, 'the sweep ran inside the backup');
      assert.deepEqual((await verifyRepository(repo, pool)).problems, []);
      await restoresIdentically(repo, pool, second.manifest.id, image, join(dir, 'marks.out'));
    } finally {
      await pool.close();
    }
  });

  it('keeps the index file of a backup that commits a pack while the sweep lists the index and the packs', async () => {
    const store = new HookStore(new LocalFsBlobStore(join(dir, 'index')));
    const { repo, pool } = await testRepository(store);
    try {
      const old = join(dir, 'index-old.img');
      await writeImage(old, { size: 512 * 1024, seed: 1, zeroShare: 0 });
      await forgetPoint(repo, (await backupImages(repo, { paths: [old], pool })).manifest.id);
      const image = join(dir, 'index-new.img');
      await writeImage(image, { size: 128 * 1024, seed: 7, zeroShare: 0, textShare: 0 });
      // Prune lists index/ and data/ twice: for marking, then for the sweep. The backup stores its
      // pack and index file between the sweep's two listings, whichever comes first.
      let listings = 0;
      let backup: ReturnType<typeof backupImages> | undefined;
      let held: { release: () => void } | undefined;
      store.beforeList = async (prefix) => {
        if (prefix !== LAYOUT.index && prefix !== LAYOUT.data) return;
        if (++listings !== 4) return;
        store.beforeList = undefined;
        const hold = holdNextManifest(store);
        backup = backupImages(repo, { paths: [image], pool });
        await hold.reached;
        held = hold;
      };
      const report = await pruneRepository(repo, pool, { graceMs: 0 });
      assert.ok(report.packsDeleted > 0, 'the sweep ran');
      assert.ok(backup && held, 'the backup ran inside the sweep');
      held.release();
      const { manifest, packsStored } = await backup;
      assert.ok(packsStored > 0);
      assert.deepEqual((await verifyRepository(repo, pool)).problems, []);
      await restoresIdentically(repo, pool, manifest.id, image, join(dir, 'index.out'));
      await pruneRepository(repo, pool, { graceMs: 0 });
      await restoresIdentically(repo, pool, manifest.id, image, join(dir, 'index.out'));
    } finally {
      await pool.close();
    }
  });
});
