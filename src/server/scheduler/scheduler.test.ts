import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createJob, getJob, JobEngine } from '../jobs/index.ts';
import type { MetadataStore } from '../persistence/index.ts';
import type { PlanOutcome } from './plan-backups.ts';
import { Scheduler } from './scheduler.ts';
import { allJobs, HOUR, itemIdOf, memoryLog, MINUTE, protect, savePolicy, tempStore, VAULT, vmIdOf } from './test-support.ts';

const noInstant = { remove: async () => 'removed' as const };

/** Ticks every `stepMs` from `from` to `to` (inclusive), finishing the jobs each tick queued, and returns what was planned. */
async function tickThrough(env: { clock: { set(at: Date): void } }, scheduler: Scheduler, engine: JobEngine, from: Date, to: Date, stepMs: number): Promise<PlanOutcome[]> {
  const outcomes: PlanOutcome[] = [];
  for (let at = from.getTime(); at <= to.getTime(); at += stepMs) {
    env.clock.set(new Date(at));
    outcomes.push(...(await scheduler.tick(new Date(at))).planned);
    while ((await engine.runNext()) !== undefined);
  }
  return outcomes;
}

const created = (outcomes: readonly PlanOutcome[]) => outcomes.filter((o) => o.kind === 'created').map((o) => o.slot);

describe('scheduler: planning scheduled backups', () => {
  let env: Awaited<ReturnType<typeof tempStore>>;
  let store: MetadataStore;
  let engine: JobEngine;
  let scheduler: Scheduler;
  const log = memoryLog();

  beforeEach(async () => {
    env = await tempStore();
    store = env.store;
    // A Backup handler that finishes at once, so each day's backup is over before the next slot.
    engine = new JobEngine();
    engine.register('Backup', async () => {});
    engine.start({ store, clock: env.clock, poll: false });
    scheduler = new Scheduler({ store, clock: env.clock, instant: noInstant, log, waveGapMs: 10 * MINUTE });
    log.lines.length = 0;
  });

  afterEach(async () => {
    await engine.stop();
    await env.close();
  });

  it('runs a daily Europe/Madrid backup at its wall-clock time on both sides of the spring and autumn clock changes', async () => {
    await savePolicy(store, 'madrid', { kind: 'Daily', runTimes: ['02:30'], timeZone: 'Europe/Madrid' });
    await protect(store, 'web-1', 'madrid', { createdAt: new Date('2026-03-27T12:00:00Z') });
    const spring = await tickThrough(env, scheduler, engine, new Date('2026-03-27T12:00:00Z'), new Date('2026-03-30T12:00:00Z'), 15 * MINUTE);
    // 02:30 CET is 01:30Z; on the 29th 02:30 does not exist and the slot moves to 03:00 CEST (01:00Z); then 02:30 CEST is 00:30Z.
    assert.deepEqual(created(spring), ['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
    // Nobody planned from March to October (as if the server was down): those slots give one backup, the newest.
    const autumn = await tickThrough(env, scheduler, engine, new Date('2026-10-23T12:00:00Z'), new Date('2026-10-26T12:00:00Z'), 15 * MINUTE);
    // On the 25th 02:30 happens twice; the backup runs once, at the first (CEST, 00:30Z).
    assert.deepEqual(created(autumn), ['2026-10-23T00:30:00.000Z', '2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    const jobs = await allJobs(store);
    assert.equal(jobs.length, 7);
    assert.ok(jobs.every((job) => job.properties.isUserTriggered === false && job.properties.operation === 'Backup' && job.arca.kind === 'Backup'));
  });

  it('runs an hourly policy every 4 h inside its window only', async () => {
    await savePolicy(store, 'every4', { kind: 'Hourly', intervalHours: 4, windowStartTime: '08:00', windowDurationHours: 12, timeZone: 'UTC' });
    await protect(store, 'web-1', 'every4', { createdAt: new Date('2026-06-01T00:00:00Z') });
    const outcomes = await tickThrough(env, scheduler, engine, new Date('2026-06-01T00:00:00Z'), new Date('2026-06-02T07:59:00Z'), 20 * MINUTE);
    assert.deepEqual(created(outcomes), ['2026-06-01T08:00:00.000Z', '2026-06-01T12:00:00.000Z', '2026-06-01T16:00:00.000Z']);
  });

  it('runs a weekly policy written with a Windows zone name on its days, at its local time', async () => {
    await savePolicy(store, 'weekly', { kind: 'Weekly', runDays: ['Monday', 'Thursday'], runTime: '21:00', timeZone: 'Pacific Standard Time' });
    await protect(store, 'web-1', 'weekly', { createdAt: new Date('2027-01-01T00:00:00Z') });
    const outcomes = await tickThrough(env, scheduler, engine, new Date('2027-01-01T00:00:00Z'), new Date('2027-01-12T04:00:00Z'), HOUR);
    // Thursday 31 December 2026, Monday 4 and Thursday 7 January 2027 at 21:00 PST (UTC-8, so the next day in UTC);
    // Monday the 11th is at 05:00Z on the 12th, after the last tick.
    assert.deepEqual(created(outcomes), ['2027-01-01T05:00:00.000Z', '2027-01-05T05:00:00.000Z', '2027-01-08T05:00:00.000Z']);
  });

  it('reads a daily policy in another Windows zone (W. Europe Standard Time) as Europe/Berlin', async () => {
    await savePolicy(store, 'berlin', { kind: 'Daily', runTimes: ['23:30'], timeZone: 'W. Europe Standard Time' });
    await protect(store, 'web-1', 'berlin', { createdAt: new Date('2026-07-01T00:00:00Z') });
    const outcomes = await tickThrough(env, scheduler, engine, new Date('2026-07-01T00:00:00Z'), new Date('2026-07-02T00:00:00Z'), 5 * MINUTE);
    assert.deepEqual(created(outcomes), ['2026-07-01T21:30:00.000Z']);
  });

  it('creates no second job for a slot after a restart, and runs slots missed while down once', async () => {
    await savePolicy(store, 'daily', { kind: 'Daily', runTimes: ['10:00'], timeZone: 'UTC' });
    await protect(store, 'web-1', 'daily', { createdAt: new Date('2026-05-01T00:00:00Z') });
    assert.deepEqual(created((await scheduler.tick(new Date('2026-05-01T10:01:00Z'))).planned), ['2026-05-01T10:00:00.000Z']);
    const restarted = new Scheduler({ store, clock: env.clock, instant: noInstant });
    assert.deepEqual((await restarted.tick(new Date('2026-05-01T10:02:00Z'))).planned, []);
    while ((await engine.runNext()) !== undefined);
    // Down from the 1st to the 4th at noon: the slots of the 2nd, 3rd and 4th give one backup, the newest.
    const after = await restarted.tick(new Date('2026-05-04T12:00:00Z'));
    assert.deepEqual(created(after.planned), ['2026-05-04T10:00:00.000Z']);
    assert.equal((await allJobs(store)).length, 2);
  });

  it('lets exactly one of two schedulers on one store create each job', async () => {
    await savePolicy(store, 'daily', { kind: 'Daily', runTimes: ['10:00'], timeZone: 'UTC' });
    for (const vm of ['web-1', 'web-2', 'web-3']) await protect(store, vm, 'daily', { createdAt: new Date('2026-05-01T00:00:00Z') });
    const other = new Scheduler({ store, clock: env.clock, instant: noInstant });
    const now = new Date('2026-05-01T10:00:30Z');
    const [a, b] = await Promise.all([scheduler.tick(now), other.tick(now)]);
    const all = [...a.planned, ...b.planned];
    assert.equal(created(all).length, 3);
    assert.equal(all.filter((o) => o.kind === 'taken').length + created(all).length, all.length);
    const jobs = await allJobs(store);
    assert.deepEqual(jobs.map((job) => job.properties.entityFriendlyName).toSorted(), ['web-1', 'web-2', 'web-3']);
  });

  it('staggers ten items of one group into waves of at most four, and starts another group\'s item at once', async () => {
    await savePolicy(store, 'daily', { kind: 'Daily', runTimes: ['10:00'], timeZone: 'UTC' });
    for (let n = 0; n < 10; n++) await protect(store, `app-${n}`, 'daily', { createdAt: new Date('2026-05-01T00:00:00Z') });
    await protect(store, 'db-1', 'daily', { group: 'rg-db', createdAt: new Date('2026-05-01T00:00:00Z') });
    const now = new Date('2026-05-01T10:00:30Z');
    assert.equal(created((await scheduler.tick(now)).planned).length, 11);
    const slot = Date.parse('2026-05-01T10:00:00Z');
    /** The groups of the machines whose backups the queue hands out at `at`. */
    const startingAt = async (at: number): Promise<string[]> => {
      const groups: string[] = [];
      for (let leased = await store.lease('w', 60 * MINUTE, new Date(at)); leased; leased = await store.lease('w', 60 * MINUTE, new Date(at))) {
        groups.push((await getJob(store, leased.id))?.data.arca.vmId.split('/')[4] ?? '?');
      }
      return groups.toSorted();
    };
    assert.deepEqual(await startingAt(now.getTime()), ['rg-app', 'rg-app', 'rg-app', 'rg-app', 'rg-db']);
    assert.deepEqual(await startingAt(slot + 10 * MINUTE - 1), []);
    assert.deepEqual(await startingAt(slot + 10 * MINUTE), ['rg-app', 'rg-app', 'rg-app', 'rg-app']);
    assert.deepEqual(await startingAt(slot + 20 * MINUTE), ['rg-app', 'rg-app']);
  });

  it('skips a slot with one note while a backup of the item runs, and takes the next one', async () => {
    await savePolicy(store, 'daily', { kind: 'Daily', runTimes: ['10:00'], timeZone: 'UTC' });
    await protect(store, 'web-1', 'daily', { createdAt: new Date('2026-05-01T00:00:00Z') });
    const running = await createJob(store, {
      vaultId: VAULT, itemId: itemIdOf('web-1'), vmId: vmIdOf('web-1'), operation: 'Backup', friendlyName: 'web-1', isUserTriggered: true, now: new Date('2026-05-01T09:50:00Z'), payload: {},
    });
    const ticks = [];
    for (const at of ['10:00:30', '10:01:30', '10:02:30']) ticks.push(...(await scheduler.tick(new Date(`2026-05-01T${at}Z`))).planned);
    assert.deepEqual(ticks, [{ kind: 'skipped', itemId: itemIdOf('web-1'), slot: '2026-05-01T10:00:00.000Z', reason: 'backup-running', runningJobId: running.data.name }]);
    assert.equal(log.lines.filter((line) => line.level === 'warn').length, 1);
    while ((await engine.runNext()) !== undefined);
    assert.deepEqual(created((await scheduler.tick(new Date('2026-05-02T10:00:30Z'))).planned), ['2026-05-02T10:00:00.000Z']);
  });

  it('takes one scheduled backup a day on a standard policy whose run time moved later that day', async () => {
    await savePolicy(store, 'daily', { kind: 'Daily', runTimes: ['10:00'], timeZone: 'UTC' });
    await protect(store, 'web-1', 'daily', { createdAt: new Date('2026-05-01T00:00:00Z') });
    assert.equal(created((await scheduler.tick(new Date('2026-05-01T10:00:30Z'))).planned).length, 1);
    while ((await engine.runNext()) !== undefined);
    await savePolicy(store, 'daily', { kind: 'Daily', runTimes: ['20:00'], timeZone: 'UTC' });
    const later = await scheduler.tick(new Date('2026-05-01T20:00:30Z'));
    assert.deepEqual(later.planned.map((o) => o.kind === 'skipped' && o.reason), ['daily-limit']);
    assert.deepEqual(created((await scheduler.tick(new Date('2026-05-02T20:00:30Z'))).planned), ['2026-05-02T20:00:00.000Z']);
  });

  it('plans nothing for items that are stopped, soft-deleted or without a policy, nor before protection began', async () => {
    await savePolicy(store, 'daily', { kind: 'Daily', runTimes: ['10:00'], timeZone: 'UTC' });
    await protect(store, 'stopped', undefined);
    await protect(store, 'paused', 'daily', { state: 'ProtectionPaused' });
    await protect(store, 'deleted', undefined, { state: 'SoftDeleted' });
    await protect(store, 'new', 'daily', { createdAt: new Date('2026-05-01T10:30:00Z') });
    assert.deepEqual((await scheduler.tick(new Date('2026-05-01T11:00:00Z'))).planned, []);
    assert.deepEqual(await allJobs(store), []);
  });
});
