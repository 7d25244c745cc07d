import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ArcaError } from '../../core/errors/index.ts';
import { OPERATIONS, type OperationRecord } from '../arm/index.ts';
import type { JobContext } from './job-context.ts';
import { cancelJob } from './job-cancel.ts';
import { JobEngine } from './job-engine.ts';
import { renderJob } from './job-render.ts';
import { getJob } from './job-store.ts';
import { HOUR, MINUTE, newJob, tempStore } from './test-support.ts';

type Env = Awaited<ReturnType<typeof tempStore>>;

/** A promise the test resolves when it wants the handler to go on. */
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

async function backupSteps(context: JobContext, clock: Env['clock']): Promise<void> {
  await context.progress(50);
  clock.advance(MINUTE);
  await context.nextTask();
  await context.progress(40, { estimatedRemainingMs: 20_000 });
  clock.advance(30_500);
  await context.nextTask();
}

describe('JobEngine', () => {
  let env: Env;
  const engines: JobEngine[] = [];

  function engine(options: { leaseMs?: number; maxLeases?: number; workerId?: string } = {}): JobEngine {
    const made = new JobEngine();
    made.start({ store: env.store, clock: env.clock, poll: false, leaseMs: options.leaseMs ?? 10 * MINUTE, workerId: options.workerId ?? `w${engines.length + 1}`, ...(options.maxLeases ? { maxLeases: options.maxLeases } : {}) });
    engines.push(made);
    return made;
  }

  beforeEach(async () => {
    env = await tempStore();
  });

  afterEach(async () => {
    await Promise.all(engines.splice(0).map((made) => made.stop()));
    await env.close();
  });

  it('runs a backup through Take Snapshot and Transfer data to vault and ends Completed, with durations as Azure writes them', async () => {
    const jobs = engine();
    jobs.register('Backup', (context) => backupSteps(context, env.clock));
    const created = await newJob(env.store, env.clock.now());
    const result = await jobs.runNext();
    assert.deepEqual(result, { jobId: created.data.id, result: 'finished', status: 'Completed' });
    assert.equal(await jobs.runNext(), undefined, 'the queue entry went with the ending');
    const job = (await getJob(env.store, created.data.id))?.data;
    assert.ok(job);
    const shown = renderJob(job, 'en', env.clock.now()) as { properties: Record<string, unknown> & { extendedInfo: { tasksList: Record<string, unknown>[]; progressPercentage: number } } };
    assert.equal(shown.properties.status, 'Completed');
    assert.equal(shown.properties.duration, 'PT1M30.5S');
    assert.equal(shown.properties.endTime, env.clock.now().toISOString());
    assert.deepEqual(shown.properties.actionsInfo, []);
    assert.equal(shown.properties.extendedInfo.progressPercentage, 100);
    assert.deepEqual(
      shown.properties.extendedInfo.tasksList.map((task) => [task.taskId, task.status, task.duration]),
      [['Take Snapshot', 'Completed', 'PT1M'], ['Transfer data to vault', 'Completed', 'PT30.5S']],
    );
    assert.equal(job.arca.worker, undefined, 'a finished job names no worker');
  });

  it('fails at once on an error the catalog says retrying cannot help, and renders it in the reader\'s language', async () => {
    const jobs = engine();
    jobs.register('Backup', async (context) => {
      await context.progress(10);
      throw new ArcaError('UserErrorFsFreezeFailed', { vmName: 'web-1', mountPoint: '/data' });
    });
    const created = await newJob(env.store, env.clock.now());
    assert.equal((await jobs.runNext())?.result, 'finished');
    const job = (await getJob(env.store, created.data.id))?.data;
    assert.ok(job);
    assert.equal(job.properties.status, 'Failed');
    assert.deepEqual(job.arca.error, { code: 'UserErrorFsFreezeFailed', params: { vmName: 'web-1', mountPoint: '/data' } });
    assert.deepEqual(job.properties.extendedInfo.tasksList.map((task) => task.status), ['Failed', 'NotStarted']);
    const es = renderJob(job, 'es', env.clock.now()) as { properties: { errorDetails: { errorCode: number; code: string; errorString: string; recommendations: string[] }[]; actionsInfo: string[] } };
    const [detail] = es.properties.errorDetails;
    assert.equal(detail?.code, 'UserErrorFsFreezeFailed');
    assert.equal(typeof detail?.errorCode, 'number');
    assert.match(detail?.errorString ?? '', /\/data/);
    assert.notEqual(detail?.errorString, (renderJob(job, 'en', env.clock.now()) as typeof es).properties.errorDetails[0]?.errorString);
    assert.deepEqual(es.properties.actionsInfo, []);
  });

  it('retries an error the catalog marks retryable with growing waits, then fails after the last try and offers Retriable', async () => {
    const jobs = engine();
    const attempts: number[] = [];
    jobs.register('Backup', async (context) => {
      attempts.push(context.attempt);
      throw new ArcaError('BackUpOperationFailed', { vmName: 'web-1' });
    });
    const created = await newJob(env.store, env.clock.now());
    assert.equal((await jobs.runNext())?.result, 'retry');
    assert.equal(await jobs.runNext(), undefined, 'not ready before its backoff');
    env.clock.advance(30_000);
    assert.equal((await jobs.runNext())?.result, 'retry');
    env.clock.advance(59_999);
    assert.equal(await jobs.runNext(), undefined, 'the second wait is twice the first');
    env.clock.advance(1);
    assert.equal((await jobs.runNext())?.result, 'finished');
    assert.deepEqual(attempts, [1, 2, 3]);
    const job = (await getJob(env.store, created.data.id))?.data;
    assert.equal(job?.properties.status, 'Failed');
    assert.equal(job?.arca.failures, 2);
    assert.deepEqual((renderJob(job!, 'en', env.clock.now()) as { properties: { actionsInfo: string[] } }).properties.actionsInfo, ['Retriable']);
  });

  it('ends a job Cancelled at the handler\'s next safe point after a cancel during the snapshot, and settles the cancel operation', async () => {
    const jobs = engine();
    const snapshotting = gate();
    const resume = gate();
    jobs.register('Backup', async (context) => {
      await context.progress(10);
      snapshotting.open();
      await resume.promise;
      await context.progress(20);
      assert.fail('the handler goes past a safe point after the cancel');
    });
    const created = await newJob(env.store, env.clock.now());
    const running = jobs.runNext();
    await snapshotting.promise;
    const { operationId, job } = await cancelJob(env.store, created.data.id, env.clock.now());
    assert.equal(job.properties.status, 'Cancelling');
    resume.open();
    assert.deepEqual(await running, { jobId: created.data.id, result: 'finished', status: 'Cancelled' });
    const ended = (await getJob(env.store, created.data.id))?.data;
    assert.deepEqual(ended?.properties.extendedInfo.tasksList.map((task) => task.status), ['Cancelled', 'Cancelled']);
    const operation = await env.store.get<OperationRecord>(OPERATIONS, operationId);
    assert.equal(operation?.data.status, 'Succeeded');
  });

  it('ends a job cancelled before any worker took it without running its handler', async () => {
    const jobs = engine();
    let ran = false;
    jobs.register('Backup', async () => {
      ran = true;
    });
    const created = await newJob(env.store, env.clock.now());
    await cancelJob(env.store, created.data.id, env.clock.now());
    assert.equal((await jobs.runNext())?.result, 'finished');
    assert.equal(ran, false);
    assert.equal((await getJob(env.store, created.data.id))?.data.properties.status, 'Cancelled');
  });

  it('lets a second replica take a job over once the first one\'s lease expires, and fences the first out', async () => {
    const first = engine({ leaseMs: 2 * MINUTE, workerId: 'replica-a' });
    const second = engine({ leaseMs: 2 * MINUTE, workerId: 'replica-b' });
    const stalled = gate();
    const wake = gate();
    first.register('Backup', async (context) => {
      await context.progress(30);
      stalled.open();
      await wake.promise;
      await context.nextTask();
    });
    const resumedFrom: number[] = [];
    second.register('Backup', async (context) => {
      resumedFrom.push(context.job().properties.extendedInfo.tasksList[0]?.progressPercentage ?? -1);
      await backupSteps(context, env.clock);
    });
    const created = await newJob(env.store, env.clock.now());
    const firstRun = first.runNext();
    await stalled.promise;
    assert.equal(await second.runNext(), undefined, 'the lease is still the first replica\'s');
    env.clock.advance(2 * MINUTE);
    assert.equal((await second.runNext())?.result, 'finished');
    assert.deepEqual(resumedFrom, [30], 'the second replica resumes from the record');
    wake.open();
    assert.deepEqual(await firstRun, { jobId: created.data.id, result: 'lease-lost' });
    const job = (await getJob(env.store, created.data.id))?.data;
    assert.equal(job?.properties.status, 'Completed');
    assert.equal(job?.arca.attempts, 2);
  });

  it('hands a running job back on stop at its next safe point, leaving the record whole for the next run', async () => {
    const jobs = new JobEngine();
    const started = gate();
    const proceed = gate();
    jobs.register('Backup', async (context) => {
      await context.progress(40);
      started.open();
      await proceed.promise;
      await context.progress(60);
    });
    jobs.start({ store: env.store, clock: env.clock, workerId: 'polling', pollMs: 5, leaseMs: MINUTE });
    const created = await newJob(env.store, env.clock.now());
    await started.promise;
    const stopping = jobs.stop();
    proceed.open();
    await stopping;
    const job = (await getJob(env.store, created.data.id))?.data;
    assert.equal(job?.properties.status, 'InProgress');
    assert.deepEqual(job?.properties.extendedInfo.tasksList.map((task) => [task.status, task.progressPercentage]), [['InProgress', 40], ['NotStarted', undefined]]);
    const next = engine({ workerId: 'after-restart' });
    next.register('Backup', (context) => backupSteps(context, env.clock));
    assert.equal((await next.runNext())?.result, 'finished', 'the released job is ready again at once');
  });

  it('fails a job whose kind no handler runs, and one interrupted more often than allowed', async () => {
    const jobs = engine({ maxLeases: 1, workerId: 'survivor' });
    const unknown = await newJob(env.store, env.clock.now(), { kind: 'Teleport' });
    assert.equal((await jobs.runNext())?.result, 'finished');
    assert.equal((await getJob(env.store, unknown.data.id))?.data.arca.error?.code, 'JobKindNotSupported');
    jobs.register('Backup', async () => {});
    const crashing = await newJob(env.store, env.clock.now(), { vm: 'db-1' });
    await env.store.lease('crashed-replica', MINUTE, env.clock.now());
    env.clock.advance(MINUTE);
    assert.equal((await jobs.runNext())?.result, 'finished');
    const job = (await getJob(env.store, crashing.data.id))?.data;
    assert.deepEqual(job?.arca.error, { code: 'JobInterruptedTooOften', params: { jobId: crashing.data.name, attempts: 1 } });
  });

  it('flags a backup running over 12 h and a restore over 6 h, and a flagged backup ends CompletedWithWarnings', async () => {
    const jobs = engine({ leaseMs: 24 * HOUR });
    const longRun = gate();
    const finish = gate();
    jobs.register('Backup', async (context) => {
      await context.progress(5);
      longRun.open();
      await finish.promise;
      await context.nextTask();
      await context.nextTask();
    });
    const backup = await newJob(env.store, env.clock.now());
    const restore = await newJob(env.store, env.clock.now(), { vm: 'app-2', operation: 'Restore' });
    const running = jobs.runNext();
    await longRun.promise;
    env.clock.advance(6 * HOUR);
    assert.equal(await jobs.checkDurations(), 0, 'exactly the limit is not over it');
    env.clock.advance(1);
    assert.equal(await jobs.checkDurations(), 1);
    assert.equal((await getJob(env.store, restore.data.id))?.data.properties.excessiveDuration, true);
    env.clock.advance(6 * HOUR);
    assert.equal(await jobs.checkDurations(), 1);
    assert.equal(await jobs.checkDurations(), 0, 'a job is flagged once');
    finish.open();
    assert.equal((await running)?.result, 'finished');
    const job = (await getJob(env.store, backup.data.id))?.data;
    assert.ok(job);
    assert.equal(job.properties.status, 'CompletedWithWarnings');
    assert.equal(job.properties.extendedInfo.propertyBag['Excessive duration'], 'BackupTakingTooLong');
    const shown = renderJob(job, 'en', env.clock.now()) as { properties: { errorDetails: { code: string; errorString: string }[] } };
    assert.equal(shown.properties.errorDetails[0]?.code, 'BackupTakingTooLong');
    assert.match(shown.properties.errorDetails[0]?.errorString ?? '', /12 h 0 min/);
  });
});
