import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { checkOnDemandQuota } from '../../core/limits.ts';
import { isArcaError } from '../../core/errors/index.ts';
import { cancelJob } from './job-cancel.ts';
import { JobEngine } from './job-engine.ts';
import { activeJobForItem, countOnDemandBackupsToday, dayBounds, getJob } from './job-store.ts';
import { HOUR, itemOf, MINUTE, newJob, tempStore } from './test-support.ts';

type Env = Awaited<ReturnType<typeof tempStore>>;

function rejectsCode(code: string) {
  return (error: unknown) => {
    assert.ok(isArcaError(error), String(error));
    assert.equal(error.code, code);
    return true;
  };
}

describe('job records', () => {
  let env: Env;
  beforeEach(async () => {
    env = await tempStore();
  });
  afterEach(() => env.close());

  it('writes the ARM resource with its tasks and queues it in one go, keyed by the lower-cased id', async () => {
    const created = await newJob(env.store, env.clock.now());
    const job = created.data;
    assert.match(job.name, /^[0-9a-f-]{36}$/);
    assert.equal(job.type, 'Microsoft.RecoveryServices/vaults/backupJobs');
    assert.match(job.id, /\/vaults\/vault-1\/backupJobs\/[0-9a-f-]{36}$/);
    assert.equal(created.id, job.id.toLowerCase());
    assert.equal(job.properties.status, 'InProgress');
    assert.equal(job.properties.jobType, 'AzureIaaSVMJob');
    assert.deepEqual(job.properties.extendedInfo.tasksList, [
      { taskId: 'Take Snapshot', status: 'NotStarted' },
      { taskId: 'Transfer data to vault', status: 'NotStarted' },
    ]);
    assert.equal(created.index.item, itemOf('web-1').toLowerCase());
    assert.equal(created.index.startTime, env.clock.now().toISOString());
    assert.equal((await getJob(env.store, job.id.toUpperCase()))?.data.name, job.name);
    const leased = await env.store.lease('w', MINUTE, env.clock.now());
    assert.equal(leased?.id, created.id);
    assert.equal(leased?.kind, 'Backup');
  });

  it('refuses a second backup of an item while one is InProgress or Cancelling, but lets a restore run beside it', async () => {
    const first = await newJob(env.store, env.clock.now());
    await assert.rejects(newJob(env.store, env.clock.now()), rejectsCode('UserErrorBackupOperationInProgress'));
    await newJob(env.store, env.clock.now(), { operation: 'Restore' });
    await newJob(env.store, env.clock.now(), { vm: 'other-vm' });
    assert.equal((await activeJobForItem(env.store, itemOf('web-1')))?.name, first.data.name);
    await cancelJob(env.store, first.data.id, env.clock.now());
    await assert.rejects(newJob(env.store, env.clock.now()), rejectsCode('UserErrorBackupOperationInProgress'));
    const engine = new JobEngine();
    engine.start({ store: env.store, clock: env.clock, poll: false });
    engine.register('Backup', async () => {});
    engine.register('Restore', async () => {});
    while (await engine.runNext()) { /* drain */ }
    await engine.stop();
    assert.equal(await activeJobForItem(env.store, itemOf('web-1')), undefined);
    await newJob(env.store, env.clock.now());
  });

  it('lets only one of two simultaneous backups of an item in', async () => {
    const results = await Promise.allSettled([newJob(env.store, env.clock.now()), newJob(env.store, env.clock.now())]);
    assert.deepEqual(results.map((r) => r.status).toSorted(), ['fulfilled', 'rejected']);
  });

  it('counts on-demand backups on the policy\'s calendar day, not scheduled ones or other items', async () => {
    const engine = new JobEngine();
    engine.start({ store: env.store, clock: env.clock, poll: false });
    engine.register('Backup', async () => {});
    const zone = 'Europe/Madrid';
    // 2026-11-22 10:00Z is 11:00 in Madrid; the day there began at 2026-11-21T23:00Z.
    assert.deepEqual(dayBounds(env.clock.now(), zone), { start: '2026-11-21T23:00:00.000Z', end: '2026-11-22T23:00:00.000Z' });
    env.clock.set(new Date('2026-11-21T22:30:00Z'));
    await newJob(env.store, env.clock.now());
    await engine.runNext();
    for (const at of ['2026-11-21T23:30:00Z', '2026-11-22T08:00:00Z']) {
      env.clock.set(new Date(at));
      await newJob(env.store, env.clock.now());
      await engine.runNext();
    }
    await newJob(env.store, env.clock.now(), { isUserTriggered: false });
    await engine.runNext();
    await newJob(env.store, env.clock.now(), { vm: 'other' });
    env.clock.set(new Date('2026-11-22T22:00:00Z'));
    assert.equal(await countOnDemandBackupsToday(env.store, itemOf('web-1'), env.clock.now(), zone), 2);
    assert.doesNotThrow(() => checkOnDemandQuota(2, 'web-1'));
    await newJob(env.store, env.clock.now());
    await engine.runNext();
    const count = await countOnDemandBackupsToday(env.store, itemOf('web-1'), env.clock.now(), zone);
    assert.equal(count, 3);
    assert.throws(() => checkOnDemandQuota(count, 'web-1'), rejectsCode('UserErrorOnDemandBackupLimitReached'));
    assert.equal(await countOnDemandBackupsToday(env.store, itemOf('web-1'), new Date(env.clock.now().getTime() + 2 * HOUR), zone), 0, 'a new day in Madrid');
    await engine.stop();
  });
});
