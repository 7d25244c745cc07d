import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import type { JobOperation } from '../../core/states/index.ts';
import { cancelJob } from './job-cancel.ts';
import { isCancellable } from './job-changes.ts';
import { JobEngine } from './job-engine.ts';
import { getJob } from './job-store.ts';
import { newJob, tempStore } from './test-support.ts';

type Env = Awaited<ReturnType<typeof tempStore>>;

/** Brings a job to the state a case needs, through the engine as a handler would. */
type Setup = (env: Env, engine: JobEngine, operation: JobOperation) => Promise<string>;

const cases: { name: string; operation: JobOperation; setup: Setup; code: string; params: Record<string, unknown> }[] = [
  {
    name: 'refuses a job that has finished: only jobs in progress can be cancelled',
    operation: 'Backup',
    setup: async (env, engine) => {
      const job = await newJob(env.store, env.clock.now());
      engine.register('Backup', async () => {});
      await engine.runNext();
      return job.data.id;
    },
    code: 'UserErrorJobNotInProgress',
    params: { status: 'Completed' },
  },
  {
    name: 'refuses a job already being cancelled',
    operation: 'Backup',
    setup: async (env) => {
      const job = await newJob(env.store, env.clock.now());
      await cancelJob(env.store, job.data.id, env.clock.now());
      return job.data.id;
    },
    code: 'UserErrorJobNotInProgress',
    params: { status: 'Cancelling' },
  },
  {
    name: 'refuses a backup past its snapshot, while data goes to the vault',
    operation: 'Backup',
    setup: async (env, engine) => {
      const job = await newJob(env.store, env.clock.now());
      engine.register('Backup', async (context) => {
        await context.nextTask();
        await context.progress(30);
        throw new Error('stop here');
      });
      // The handler's failure is unexpected, hence ArcaInternalError, which is retryable: the job stays InProgress in transfer.
      await engine.runNext();
      return job.data.id;
    },
    code: 'UserErrorJobNotCancellable',
    params: { phase: 'Transfer data to vault' },
  },
  {
    name: 'refuses an operation that cannot be cancelled at all, such as a restore',
    operation: 'Restore',
    setup: async (env) => (await newJob(env.store, env.clock.now(), { operation: 'Restore' })).data.id,
    code: 'UserErrorJobCancelNotSupported',
    params: { operation: 'Restore' },
  },
];

describe('cancelling a job', () => {
  let env: Env;
  let engine: JobEngine;
  beforeEach(async () => {
    env = await tempStore();
    engine = new JobEngine();
    engine.start({ store: env.store, clock: env.clock, poll: false });
  });
  afterEach(async () => {
    await engine.stop();
    await env.close();
  });

  for (const c of cases) {
    it(c.name, async () => {
      const jobId = await c.setup(env, engine, c.operation);
      const before = await getJob(env.store, jobId);
      assert.ok(before);
      assert.equal(isCancellable(before.data), false, 'the job does not offer Cancellable');
      await assert.rejects(cancelJob(env.store, jobId, env.clock.now()), (error: unknown) => {
        assert.ok(isArcaError(error));
        assert.equal(error.code, c.code);
        for (const [name, value] of Object.entries(c.params)) assert.equal(error.params[name], value, name);
        return true;
      });
      assert.equal((await getJob(env.store, jobId))?.version, before.version, 'a refused cancel writes nothing');
    });
  }

  it('answers ResourceNotFound for a job that does not exist', async () => {
    await assert.rejects(cancelJob(env.store, '/subscriptions/x/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/backupJobs/none', env.clock.now()), (error: unknown) => isArcaError(error) && error.code === 'ResourceNotFound');
  });
});
