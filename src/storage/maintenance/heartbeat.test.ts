import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import type { BlobInfo, CallOptions } from '../blob/blob-store.ts';
import { LocalFsBlobStore } from '../blob/local-fs-blob-store.ts';
import { backupImages } from '../backup/image-backup.ts';
import { forgetPoint } from '../points/forget.ts';
import { LAYOUT } from '../repository/layout.ts';
import { Repository } from '../repository/repository.ts';
import { TEST_PASSPHRASE, testRepository, writeImage } from '../testing/fixtures.ts';
import { HookStore } from '../testing/hook-store.ts';
import { pruneRepository } from './prune.ts';
import { verifyRepository } from './verify.ts';

/**
 * Parks the backup's next heartbeat at its start (the stat of its `inflight/` marker) until released.
 * Heartbeats run one at a time, so while one is parked none is half done.
 */
class WatchedStore extends HookStore {
  #park: { reach: () => void; gate: Promise<void> } | undefined;

  parkNextHeartbeat(): { reached: Promise<void>; release: () => void } {
    let reach!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => (reach = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    this.#park = { reach, gate };
    return { reached, release };
  }

  override async stat(key: string, options?: CallOptions): Promise<BlobInfo | undefined> {
    const park = this.#park;
    if (park && key.startsWith(LAYOUT.inflight)) {
      this.#park = undefined;
      park.reach();
      await park.gate;
    }
    return super.stat(key, options);
  }
}

/** Holds the backup's next index file until released: it then checks its claim, before recording a point. */
function holdNextIndexFile(store: HookStore): { reached: Promise<void>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let reach!: () => void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  store.beforePut = async (key) => {
    if (!key.startsWith(LAYOUT.index)) return;
    store.beforePut = undefined;
    reach();
    await gate;
  };
  return { reached, release };
}

const isInterrupted = (error: unknown): boolean => isArcaError(error) && error.code === 'RepositoryBackupInterrupted';

describe('the heartbeat of a running backup', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-heartbeat-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('does not write back a marker a prune removed, and the backup records nothing', { timeout: 15_000 }, async () => {
    const store = new WatchedStore(new LocalFsBlobStore(join(dir, 'gone')));
    const { repo, pool } = await testRepository(store);
    try {
      const image = join(dir, 'gone.img');
      await writeImage(image, { size: 512 * 1024, seed: 5, zeroShare: 0 });
      await forgetPoint(repo, (await backupImages(repo, { paths: [image], pool })).manifest.id);
      // The first disk is all chunks of the forgotten point; the second is new, so its pack's index
      // file is written (and held) after the first disk was deduplicated.
      const fresh = join(dir, 'gone-fresh.img');
      await writeImage(fresh, { size: 128 * 1024, seed: 15, zeroShare: 0 });
      const held = holdNextIndexFile(store);
      const backup = backupImages(repo, { paths: [image, fresh], pool, skipUnchanged: false, heartbeat: { intervalMs: 10 } });
      await held.reached;
      // The prune's clock is 40 minutes ahead: the backup's fresh marker looks stale to it.
      const pruner = await Repository.open(store, { passphrase: TEST_PASSPHRASE, clock: { now: () => new Date(Date.now() + 40 * 60_000) } });
      const beat = store.parkNextHeartbeat();
      await beat.reached;
      const report = await pruneRepository(pruner, pool, { graceMs: 0 });
      assert.ok(report.packsDeleted > 0);
      beat.release();
      let markers = 0;
      for await (const _ of store.list(LAYOUT.inflight)) markers++;
      assert.equal(markers, 0, 'the heartbeat did not put the marker back');
      held.release();
      await assert.rejects(backup, isInterrupted);
      // No point was recorded over the deleted packs (at most the backup's own index file still lists
      // its pack, which the prune deleted: readers skip listings of packs that are gone).
      const { problems } = await verifyRepository(repo, pool);
      assert.deepEqual(problems.filter((p) => p.points.length > 0 || p.code !== 'RepositoryBlobNotFound'), []);
      for await (const _ of store.list(LAYOUT.points)) assert.fail('a point was recorded');
    } finally {
      await pool.close();
    }
  });

  it('gives up the claim after a pause longer than half the time a marker takes to go stale', async () => {
    const store = new HookStore(new LocalFsBlobStore(join(dir, 'pause')));
    const { repo, pool } = await testRepository(store);
    try {
      const image = join(dir, 'pause.img');
      await writeImage(image, { size: 128 * 1024, seed: 6, zeroShare: 0 });
      let skipped = 0;
      const held = holdNextIndexFile(store);
      const backup = backupImages(repo, { paths: [image], pool, heartbeat: { now: () => Date.now() + skipped } });
      await held.reached;
      // Sixteen minutes pass without a heartbeat (a suspended machine), by the backup's wall clock.
      skipped = 16 * 60_000;
      held.release();
      await assert.rejects(backup, isInterrupted);
      assert.equal((await verifyRepository(repo, pool)).problems.length, 0);
      let points = 0;
      for await (const _ of store.list(LAYOUT.points)) points++;
      assert.equal(points, 0);
    } finally {
      await pool.close();
    }
  });
});
