import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { formatResourceId, resourceGroupId } from '../../core/ids/index.ts';
import { getGoalStateRecord } from '../agents/index.ts';
import { LOCKS, scopeIndex } from '../arm/index.ts';
import { getJob, JobEngine, type JobContext, type JobHandler } from '../jobs/index.ts';
import { itemOf, tempStore, VAULT, vmOf } from '../jobs/test-support.ts';
import type { MetadataStore } from '../persistence/index.ts';
import type { VirtualMachineRecord } from '../resources/virtual-machine-model.ts';
import { collectionDeletionHandler, DELETE_COLLECTION_KIND, getCollection, POINTS_REMOVED_PROPERTY, startCollectionDeletion } from './collection-deletion.ts';
import { ensureInstantCollection, newInstantPoint, pageCollectionPoints, saveInstantPoint } from './instant-tier-store.ts';
import type { RecoveryPointRecord } from './recovery-point-model.ts';
import { getRecoveryPoint, saveRecoveryPoint } from './recovery-points-store.ts';

const POINTS = 5;
const BATCH = 2;
const GROUP = 'AzureBackupRG_eastus_1';
const vm = { id: vmOf('web-1'), name: 'web-1', location: 'eastus' } as VirtualMachineRecord;

/** A handler whose context calls `hook` after each batch's progress write. */
function hooked(handler: JobHandler, hook: (context: JobContext) => Promise<void>): JobHandler {
  return (context) =>
    handler(
      new Proxy(context, {
        get(target, name) {
          if (name === 'setProperty') return async (key: string, value: string) => {
            await target.setProperty(key, value);
            await hook(target);
          };
          const value = Reflect.get(target, name, target) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
    );
}

describe('deleting a restore point collection: batches, resumption, retries, locks', () => {
  let env: Awaited<ReturnType<typeof tempStore>>;
  let store: MetadataStore;
  let collectionId = '';
  let pointIds: string[] = [];
  const engines: JobEngine[] = [];

  function engine(handler: JobHandler, workerId: string): JobEngine {
    const jobs = new JobEngine();
    jobs.register(DELETE_COLLECTION_KIND, handler);
    jobs.start({ store, clock: env.clock, poll: false, workerId, leaseMs: 60_000, backoffMs: 1000, stopTimeoutMs: 50 });
    engines.push(jobs);
    return jobs;
  }

  const remaining = async () => (await pageCollectionPoints(store, collectionId, { limit: 100 })).records.map((r) => r.data.name);
  const told = async () => (await getGoalStateRecord(store, vm.id)).deletedPoints.map((p) => p.pointName);
  const snapshotGone = async (id: string) => (await getRecoveryPoint(store, id))?.data.arca.instant?.deleted !== undefined;

  beforeEach(async () => {
    env = await tempStore();
    store = env.store;
    ({ collectionId } = await ensureInstantCollection(store, vm));
    pointIds = [];
    for (let n = 0; n < POINTS; n++) {
      const time = new Date(env.clock.now().getTime() - (POINTS - n) * 3_600_000).toISOString();
      const name = `${Date.parse(time)}`;
      const recoveryPointId = `${itemOf('web-1')}/recoveryPoints/${name}`;
      await saveInstantPoint(store, newInstantPoint({ collectionId, pointName: name, vmId: vm.id, machineId: 'machine-1', location: 'eastus', consistency: 'FileSystemConsistent', time, expiresAt: time, snapshots: [{ disk: 'os', path: `/snap/${name}/os.img` }], recoveryPointId }));
      const arca = { vaultId: VAULT, itemId: itemOf('web-1'), vmId: vm.id, time, consistency: 'FileSystemConsistent' as const, manifestId: `m-${name}`, instant: { collectionId, pointName: name, expiresAt: time }, disks: [], jobName: `job-${name}` };
      await saveRecoveryPoint(store, { id: recoveryPointId, name, type: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints', properties: {}, arca } satisfies RecoveryPointRecord, 0);
      pointIds.push(recoveryPointId);
    }
  });

  afterEach(async () => {
    for (const jobs of engines.splice(0)) await jobs.stop();
    await env.close();
  });

  async function start(): Promise<string> {
    return store.transaction(async (operations) => {
      const record = await getCollection(operations, collectionId);
      assert.ok(record);
      return (await startCollectionDeletion(operations, record, env.clock.now())).jobId ?? '';
    });
  }

  it('deletes every point in batches, tells the agent once per point, and removes the collection after its last point', async () => {
    const jobId = await start();
    const jobs = engine(collectionDeletionHandler({ store, batchSize: BATCH }), 'worker-a');
    const result = await jobs.runNext();
    assert.deepEqual(result, { jobId, result: 'finished', status: 'Completed' });
    assert.equal(await getCollection(store, collectionId), undefined);
    assert.deepEqual(await remaining(), []);
    assert.equal((await told()).length, POINTS);
    for (const id of pointIds) {
      assert.ok(await snapshotGone(id), `${id} shows its snapshot deleted`);
      assert.ok((await getRecoveryPoint(store, id))?.data.arca.manifestId, 'the vault copy stays');
    }
    assert.equal((await getJob(store, jobId))?.data.properties.extendedInfo.propertyBag[POINTS_REMOVED_PROPERTY], String(POINTS));
  });

  it('resumes from the recorded progress after a run that died mid-way, never deleting a point twice or skipping one', async () => {
    const jobId = await start();
    const { promise: died, resolve: reached } = Promise.withResolvers<void>();
    // The first worker stops answering after its first batch, as a killed process does: its lease runs out.
    const dying = engine(hooked(collectionDeletionHandler({ store, batchSize: BATCH }), async () => {
      reached();
      await new Promise(() => {});
    }), 'worker-dies');
    void dying.runNext();
    await died;
    const progress = (await getCollection(store, collectionId))?.data.arca?.deletion;
    assert.deepEqual([progress?.removedPoints, progress?.batches], [BATCH, 1]);
    assert.equal((await remaining()).length, POINTS - BATCH);

    env.clock.advance(61_000);
    const result = await engine(collectionDeletionHandler({ store, batchSize: BATCH }), 'worker-b').runNext();
    assert.equal(result?.result, 'finished');
    assert.equal((await getJob(store, jobId))?.data.properties.status, 'Completed');
    assert.equal((await getJob(store, jobId))?.data.arca.attempts, 2);
    const names = await told();
    assert.equal(names.length, POINTS, 'each point reached the agent once');
    assert.equal(new Set(names).size, POINTS);
    assert.equal(await getCollection(store, collectionId), undefined);
  });

  it('retries a failure that retrying can help with, after the engine\'s backoff, and then finishes', async () => {
    const jobId = await start();
    let transactions = 0;
    const flaky = new Proxy(store, {
      get(target, name) {
        if (name === 'transaction' && ++transactions === 2) return () => Promise.reject(new Error('disk I/O error'));
        const value = Reflect.get(target, name, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const jobs = engine(collectionDeletionHandler({ store: flaky, batchSize: BATCH }), 'worker-a');
    assert.equal((await jobs.runNext())?.result, 'retry');
    const waiting = await getJob(store, jobId);
    assert.equal(waiting?.data.arca.failures, 1);
    assert.equal(waiting?.data.properties.extendedInfo.propertyBag['Last retried error'], 'ArcaInternalError');
    assert.equal((await remaining()).length, POINTS - BATCH, 'the batch before the failure stays done');
    assert.equal(await jobs.runNext(), undefined, 'nothing runs before the backoff has passed');
    env.clock.advance(1000);
    assert.equal((await jobs.runNext())?.result, 'finished');
    assert.equal((await getJob(store, jobId))?.data.properties.status, 'Completed');
    assert.equal((await told()).length, POINTS);
  });

  it('stops with ScopeLocked when a lock is placed mid-way and leaves a usable collection with the points not yet deleted', async () => {
    const jobId = await start();
    const group = resourceGroupId({ subscriptionId: vm.id.split('/')[2] ?? '', resourceGroup: GROUP });
    const lockId = `${formatResourceId(group)}/providers/Microsoft.Authorization/locks/keep`;
    const lock = async () => {
      await store.put(LOCKS, { id: lockId.toLowerCase(), data: { id: lockId, name: 'keep', type: 'Microsoft.Authorization/locks', properties: { level: 'CanNotDelete' } }, index: scopeIndex(group, { scope: formatResourceId(group).toLowerCase() }) });
    };
    const result = await engine(hooked(collectionDeletionHandler({ store, batchSize: BATCH }), lock), 'worker-a').runNext();
    assert.deepEqual(result, { jobId, result: 'finished', status: 'Failed' });
    assert.equal((await getJob(store, jobId))?.data.arca.error?.code, 'ScopeLocked');
    const collection = await getCollection(store, collectionId);
    assert.ok(collection, 'the collection stays');
    assert.equal(collection.data.arca?.deletion, undefined, 'and is no longer being deleted');
    assert.equal((await remaining()).length, POINTS - BATCH);
    assert.equal((await told()).length, BATCH);
    const states = await Promise.all(pointIds.map(snapshotGone));
    assert.deepEqual(states, [true, true, false, false, false], 'only the deleted points show their snapshot gone');
  });

  it('answers a second DELETE while the first runs with the same operation, and sends new backups to the next collection', async () => {
    const first = await start();
    const again = await start();
    assert.equal(again, first);
    const next = await ensureInstantCollection(store, vm);
    assert.match(next.collectionId, /AzureBackupRG_web-1_2$/);
  });
});
