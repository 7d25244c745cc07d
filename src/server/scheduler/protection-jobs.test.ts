import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ArcaError } from '../../core/errors/index.ts';
import { createJob, getJob, JobEngine, READY_FIRST, type NewJobInput } from '../jobs/index.ts';
import { Scheduler } from './scheduler.ts';
import { getSchedulePlan } from './schedule-plans.ts';
import { registerProtectionJobs } from './protection-jobs.ts';
import { allJobs, itemIdOf, protect, savePolicy, tempStore, VAULT, vmIdOf } from './test-support.ts';

function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const jobInput = (operation: NewJobInput['operation'], now: Date, extra: Partial<NewJobInput> = {}): NewJobInput => ({
  vaultId: VAULT, itemId: itemIdOf('web-1'), vmId: vmIdOf('web-1'), operation, friendlyName: 'web-1', isUserTriggered: true, now, payload: {}, ...extra,
});

describe('protection jobs', () => {
  let env: Awaited<ReturnType<typeof tempStore>>;
  let engine: JobEngine;

  beforeEach(async () => {
    env = await tempStore();
    engine = new JobEngine();
    registerProtectionJobs(engine, env.store);
  });

  afterEach(async () => {
    await engine.stop();
    await env.close();
  });

  it('run at once even while the engine is full of long backups, and free the item for the next backup', async () => {
    const release = gate();
    engine.register('Backup', async () => release.promise);
    engine.start({ store: env.store, clock: env.clock, poll: false, concurrency: 1 });
    await createJob(env.store, jobInput('Backup', env.clock.now(), { itemId: itemIdOf('other'), vmId: vmIdOf('other'), friendlyName: 'other' }));
    const long = engine.runNext();
    const configure = await createJob(env.store, jobInput('ConfigureBackup', env.clock.now(), { readyAt: READY_FIRST }));
    await assert.rejects(createJob(env.store, jobInput('Backup', env.clock.now())), (error: unknown) => error instanceof ArcaError && error.code === 'UserErrorBackupOperationInProgress');
    await engine.runImmediate();
    assert.equal((await getJob(env.store, configure.data.id))?.data.properties.status, 'Completed');
    const backup = await createJob(env.store, jobInput('Backup', env.clock.now()));
    assert.equal(backup.data.properties.status, 'InProgress');
    // runImmediate leaves a job of another kind at the head of the queue alone.
    await engine.runImmediate();
    assert.equal((await getJob(env.store, backup.data.id))?.data.arca.attempts, 0);
    release.open();
    assert.equal((await long)?.result, 'finished');
  });

  it('are taken by the polling engine beside a long backup that fills it', async () => {
    const release = gate();
    engine.register('Backup', async () => release.promise);
    await createJob(env.store, jobInput('Backup', env.clock.now(), { itemId: itemIdOf('other'), vmId: vmIdOf('other'), friendlyName: 'other' }));
    engine.start({ store: env.store, clock: env.clock, pollMs: 5, concurrency: 1 });
    for (const deadline = Date.now() + 5000; engine.running.length === 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(engine.running.length, 1, 'the backup fills the engine');
    const configure = await createJob(env.store, jobInput('DisableBackup', env.clock.now(), { readyAt: READY_FIRST }));
    let status: string | undefined;
    for (const deadline = Date.now() + 5000; status !== 'Completed' && Date.now() < deadline; ) {
      status = (await getJob(env.store, configure.data.id))?.data.properties.status;
      if (status !== 'Completed') await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(status, 'Completed');
    assert.equal(engine.running.length, 1, 'the backup still runs');
    release.open();
  });

  it('ConfigureBackup restarts the plan, so resuming protection does not run a slot missed while stopped', async () => {
    engine.start({ store: env.store, clock: env.clock, poll: false });
    await savePolicy(env.store, 'daily', { kind: 'Daily', runTimes: ['10:00'], timeZone: 'UTC' });
    await protect(env.store, 'web-1', 'daily', { createdAt: new Date('2026-05-01T00:00:00Z') });
    const scheduler = new Scheduler({ store: env.store, clock: env.clock, instant: { remove: async () => 'removed' } });
    await scheduler.tick(new Date('2026-05-01T10:00:30Z'));
    assert.equal((await allJobs(env.store)).length, 1);
    // No Backup handler here: the engine ends the scheduled job (JobKindNotSupported), which frees the item.
    while ((await engine.runNext()) !== undefined);
    // Stopped on the 1st, resumed on the 5th at 12:00: the slots of the 2nd to the 5th stay missed.
    await protect(env.store, 'web-1', undefined, { createdAt: new Date('2026-05-01T00:00:00Z') });
    assert.deepEqual((await scheduler.tick(new Date('2026-05-03T10:00:30Z'))).planned, []);
    const resumedAt = new Date('2026-05-05T12:00:00Z');
    await protect(env.store, 'web-1', 'daily', { createdAt: new Date('2026-05-01T00:00:00Z') });
    await createJob(env.store, jobInput('ConfigureBackup', resumedAt, { readyAt: READY_FIRST }));
    await engine.runImmediate();
    assert.equal((await getSchedulePlan(env.store, itemIdOf('web-1')))?.data.plannedThrough, resumedAt.toISOString());
    assert.deepEqual((await scheduler.tick(new Date('2026-05-05T12:01:00Z'))).planned, []);
    assert.equal((await scheduler.tick(new Date('2026-05-06T10:00:30Z'))).planned[0]?.kind, 'created');
  });
});
