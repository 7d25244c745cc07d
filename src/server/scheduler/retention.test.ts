import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { formatResourceId, resourceGroupId, restorePointCollectionId } from '../../core/ids/index.ts';
import { getGoalStateRecord } from '../agents/index.ts';
import { LOCKS, scopeIndex } from '../arm/index.ts';
import { getProtectedItem } from '../backup/index.ts';
import type { MetadataStore } from '../persistence/index.ts';
import { getRecoveryPoint, newInstantPoint, RESTORE_POINTS, saveInstantPoint, saveRecoveryPoint, type RecoveryPointRecord } from '../points/index.ts';
import { MemoryBlobStore } from '../../storage/blob/memory-blob-store.ts';
import { loadPoint, savePoint } from '../../storage/points/point-store.ts';
import { MANIFEST_VERSION } from '../../storage/points/manifest.ts';
import { timeId } from '../../storage/repository/layout.ts';
import type { Repository } from '../../storage/repository/repository.ts';
import { testRepository } from '../../storage/testing/fixtures.ts';
import type { ChunkWorkerPool } from '../../storage/workers/worker-pool.ts';
import { storeInstantTier } from './instant-tier.ts';
import { runRetention } from './retention-pass.ts';
import { Scheduler } from './scheduler.ts';
import { purgeSoftDeleted } from './soft-delete-purge.ts';
import { DAY, HOUR, itemIdOf, memoryLog, protect, savePolicy, SUB, tempStore, VAULT, vmIdOf } from './test-support.ts';
import { repositoryVaultTier, type VaultTier } from './vault-tier.ts';

const NOW = new Date('2026-06-20T12:00:00Z');
const GROUP = 'AzureBackupRG_eastus_1';
const collectionOf = (vm: string) => formatResourceId(restorePointCollectionId({ subscriptionId: SUB, resourceGroup: GROUP }, `AzureBackupRG_${vm}_1`));

interface PointOptions {
  /** Keep a snapshot in the instant tier until this time. */
  readonly instantUntil?: Date;
  /** Only a snapshot, no repository point. */
  readonly instantOnly?: boolean;
  readonly vaultExpiresAt?: Date;
}

describe('scheduler: retention and soft-delete purge', () => {
  let env: Awaited<ReturnType<typeof tempStore>>;
  let store: MetadataStore;
  let repo: Repository;
  let pool: ChunkWorkerPool;
  let vault: VaultTier;
  const log = memoryLog();
  const deps = () => ({ store, vault, instant: storeInstantTier(store), log });

  beforeEach(async () => {
    env = await tempStore();
    store = env.store;
    ({ repo, pool } = await testRepository(new MemoryBlobStore()));
    vault = repositoryVaultTier(repo, { graceMs: 0 });
    await savePolicy(store, 'daily', { kind: 'Daily', runTimes: ['10:00'], timeZone: 'UTC' }, { retention: { daily: { count: 7 } } });
    log.lines.length = 0;
  });

  afterEach(async () => {
    await pool.close();
    await env.close();
  });

  /** A recovery point of `vm` taken at `time`: a repository point, a snapshot in its collection, or both. */
  async function addPoint(vm: string, time: Date, options: PointOptions = {}): Promise<string> {
    const name = `${time.getTime()}`;
    const itemId = itemIdOf(vm);
    let manifestId: string | undefined;
    if (!options.instantOnly) {
      manifestId = timeId(time, randomBytes(4));
      await savePoint(repo, { version: MANIFEST_VERSION, id: manifestId, time: time.toISOString(), metadata: {}, disks: [], stats: { bytesRead: 0, bytesNew: 0, bytesStored: 0, seconds: 0 } });
    }
    const pointId = `${itemId}/recoveryPoints/${name}`;
    let instant: RecoveryPointRecord['arca']['instant'];
    if (options.instantUntil || options.instantOnly) {
      const expiresAt = (options.instantUntil ?? new Date(time.getTime() + 2 * DAY)).toISOString();
      const point = newInstantPoint({
        collectionId: collectionOf(vm), pointName: name, vmId: vmIdOf(vm), machineId: `machine-${vm}`, location: 'eastus', consistency: 'FileSystemConsistent',
        time: time.toISOString(), expiresAt, snapshots: [{ disk: 'os', path: `/var/lib/arca/snapshots/${name}/os.img` }], recoveryPointId: pointId,
      });
      await saveInstantPoint(store, point);
      instant = { collectionId: collectionOf(vm), pointName: name, expiresAt };
    }
    const record: RecoveryPointRecord = {
      id: pointId,
      name,
      type: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints',
      properties: {},
      arca: {
        vaultId: VAULT, itemId, vmId: vmIdOf(vm), time: time.toISOString(), consistency: 'FileSystemConsistent', disks: [], jobName: `job-${name}`,
        ...(manifestId ? { manifestId } : {}),
        ...(instant ? { instant } : {}),
        ...(options.vaultExpiresAt ? { vaultExpiresAt: options.vaultExpiresAt.toISOString() } : {}),
      },
    };
    await saveRecoveryPoint(store, record, 0);
    return pointId;
  }

  /** A point per day at 10:00 for `days` days ending on `last`'s day. */
  async function dailyPoints(vm: string, days: number, last = NOW, options: PointOptions = {}): Promise<string[]> {
    const ids: string[] = [];
    const lastSlot = Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), last.getUTCDate(), 10);
    for (let n = days - 1; n >= 0; n--) ids.push(await addPoint(vm, new Date(lastSlot - n * DAY), options));
    return ids;
  }

  const inRepository = async (pointId: string, manifestId: string | undefined): Promise<boolean> => {
    assert.ok(manifestId, `${pointId} had a repository point`);
    return loadPoint(repo, manifestId).then(() => true, (error: unknown) => (isArcaError(error) && error.code === 'RecoveryPointNotFound' ? false : Promise.reject(error)));
  };

  it('expires vault points the daily rule no longer keeps: repository point forgotten, record dropped', async () => {
    await protect(store, 'web-1', 'daily');
    const ids = await dailyPoints('web-1', 12);
    const manifests = await Promise.all(ids.map(async (id) => (await getRecoveryPoint(store, id))?.data.arca.manifestId));
    const report = await runRetention(deps(), NOW);
    assert.deepEqual(report.forgotten.toSorted(), ids.slice(0, 5).toSorted(), 'the five oldest of twelve days leave a seven-day window');
    for (const [n, id] of ids.entries()) {
      assert.equal((await getRecoveryPoint(store, id)) !== undefined, n >= 5, id);
      assert.equal(await inRepository(id, manifests[n]), n >= 5, id);
    }
    assert.deepEqual((await runRetention(deps(), NOW)).forgotten, [], 'a second pass finds nothing more');
  });

  it('expires an on-demand point at its own expiry time, without letting it stand in for the day', async () => {
    await protect(store, 'web-1', 'daily');
    const scheduled = await dailyPoints('web-1', 3);
    const onDemand = await addPoint('web-1', new Date(NOW.getTime() - 3 * DAY - HOUR), { vaultExpiresAt: new Date(NOW.getTime() - HOUR) });
    const kept = await addPoint('web-1', new Date(NOW.getTime() - 2 * DAY + HOUR), { vaultExpiresAt: new Date(NOW.getTime() + 30 * DAY) });
    const report = await runRetention(deps(), NOW);
    assert.deepEqual(report.forgotten, [onDemand]);
    for (const id of [...scheduled, kept]) assert.ok(await getRecoveryPoint(store, id), id);
  });

  it('keeps the newest point of a paused item (its machine is gone) and everything of a stopped one', async () => {
    await protect(store, 'gone-vm', 'daily', { state: 'ProtectionPaused' });
    const paused = await dailyPoints('gone-vm', 3, new Date(NOW.getTime() - 60 * DAY));
    await protect(store, 'kept-vm', undefined);
    const stopped = await dailyPoints('kept-vm', 3, new Date(NOW.getTime() - 60 * DAY));
    const report = await runRetention(deps(), NOW);
    assert.deepEqual(report.forgotten.toSorted(), paused.slice(0, 2).toSorted());
    assert.ok(await getRecoveryPoint(store, paused[2] ?? ''), 'the last point of the paused item stays');
    for (const id of stopped) assert.ok(await getRecoveryPoint(store, id), id);
  });

  it('leaves expired snapshots behind a lock for the next pass, removes them once it is gone, and never the newest', async () => {
    await protect(store, 'web-1', 'daily');
    const ids = [
      await addPoint('web-1', new Date(NOW.getTime() - 4 * DAY), { instantUntil: new Date(NOW.getTime() - 2 * DAY) }),
      await addPoint('web-1', new Date(NOW.getTime() - 3 * DAY), { instantUntil: new Date(NOW.getTime() - DAY) }),
      // The newest snapshot expired too (no backup since): it stays all the same.
      await addPoint('web-1', new Date(NOW.getTime() - 2 * DAY), { instantOnly: true, instantUntil: new Date(NOW.getTime() - HOUR) }),
    ];
    const group = resourceGroupId({ subscriptionId: SUB, resourceGroup: GROUP });
    const lockId = `${formatResourceId(group)}/providers/Microsoft.Authorization/locks/keep`;
    await store.put(LOCKS, { id: lockId.toLowerCase(), data: { id: lockId, name: 'keep', type: 'Microsoft.Authorization/locks', properties: { level: 'CanNotDelete' } }, index: scopeIndex(group, { scope: formatResourceId(group).toLowerCase() }) });
    const locked = await runRetention(deps(), NOW);
    assert.deepEqual(locked.snapshotsLocked.toSorted(), ids.slice(0, 2).toSorted());
    assert.deepEqual(locked.snapshotsRemoved, []);
    assert.equal(locked.failed.length, 0);
    assert.equal(log.lines.filter((line) => line.level === 'warn').length, 2);
    assert.equal((await store.list(RESTORE_POINTS, {})).records.length, 3);

    await store.delete(LOCKS, lockId.toLowerCase());
    const unlocked = await runRetention(deps(), NOW);
    assert.deepEqual(unlocked.snapshotsRemoved.toSorted(), ids.slice(0, 2).toSorted());
    const left = (await store.list<{ name: string }>(RESTORE_POINTS, {})).records.map((r) => r.data.name);
    assert.deepEqual(left, [ids[2]?.split('/').at(-1)]);
    const first = (await getRecoveryPoint(store, ids[0] ?? ''))?.data;
    assert.ok(first?.arca.instant?.deleted, 'the record shows the snapshot deleted, the vault copy stays');
    assert.ok(first?.arca.manifestId);
    assert.deepEqual(first?.properties.recoveryPointTierDetails, [{ type: 'InstantRP', status: 'Deleted' }, { type: 'HardenedRP', status: 'Valid' }]);
    const goal = await getGoalStateRecord(store, vmIdOf('web-1'));
    assert.deepEqual(goal.deletedPoints.map((p) => p.pointName).toSorted(), ids.slice(0, 2).map((id) => id.split('/').at(-1)).toSorted(), 'the agent is told to delete the snapshot files');
  });

  it('purges soft-deleted items after 14 days with their data, and keeps items undeleted or still within the period', async () => {
    const deletedAt = (days: number) => ({ deletedAt: new Date(NOW.getTime() - days * DAY).toISOString(), purgeAt: new Date(NOW.getTime() - (days - 14) * DAY).toISOString() });
    await protect(store, 'old', undefined, { state: 'SoftDeleted', softDelete: deletedAt(15) });
    await protect(store, 'recent', undefined, { state: 'SoftDeleted', softDelete: deletedAt(13) });
    await protect(store, 'back', undefined, { state: 'ProtectionStopped' });
    const old = await dailyPoints('old', 2, new Date(NOW.getTime() - 20 * DAY), { instantUntil: new Date(NOW.getTime() - 17 * DAY) });
    const oldManifests = await Promise.all(old.map(async (id) => (await getRecoveryPoint(store, id))?.data.arca.manifestId));
    const recent = await dailyPoints('recent', 2, new Date(NOW.getTime() - 20 * DAY));
    const back = await dailyPoints('back', 2, new Date(NOW.getTime() - 20 * DAY));
    const report = await purgeSoftDeleted(deps(), NOW);
    assert.deepEqual(report.purgedItems, [itemIdOf('old')]);
    assert.equal(await getProtectedItem(store, itemIdOf('old')), undefined);
    assert.deepEqual(report.forgotten.toSorted(), old.toSorted());
    for (const [n, id] of old.entries()) {
      assert.equal(await getRecoveryPoint(store, id), undefined);
      assert.equal(await inRepository(id, oldManifests[n]), false);
    }
    assert.equal((await store.list(RESTORE_POINTS, {})).records.length, 0, 'the purged item\'s snapshots left their collection');
    for (const id of [...recent, ...back]) assert.ok(await getRecoveryPoint(store, id), id);
  });

  it('prunes the repository on its own cadence after forgetting, through the storage engine\'s prune', async () => {
    await protect(store, 'web-1', 'daily');
    await dailyPoints('web-1', 9);
    const pruned: string[] = [];
    const counting: VaultTier = { forget: (id) => vault.forget(id), prune: async (signal) => { pruned.push('prune'); return vault.prune(signal); } };
    const scheduler = new Scheduler({ store, clock: env.clock, instant: storeInstantTier(store), vault: counting, retentionEveryMs: HOUR, pruneEveryMs: DAY });
    const first = await scheduler.tick(NOW);
    assert.equal(first.retention?.forgotten.length, 2);
    assert.equal(first.prune, undefined, 'a new vault waits a period before its first prune');
    assert.equal((await scheduler.tick(new Date(NOW.getTime() + 30 * 60_000))).retention, undefined, 'retention waits for its period');
    const later = await scheduler.tick(new Date(NOW.getTime() + DAY));
    assert.equal(later.retention?.forgotten.length, 1, 'a day later the window has moved by one point');
    assert.ok(later.prune !== undefined && later.prune !== 'busy');
    assert.equal(later.prune.points, 6, 'prune counts the points retention kept');
    assert.deepEqual(pruned, ['prune']);
  });
});
