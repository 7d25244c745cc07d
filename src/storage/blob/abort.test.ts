import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { raceAbort, sleep } from './abort.ts';

describe('abort helpers', () => {
  it('raceAbort settles like the work when the signal stays quiet', async () => {
    assert.equal(await raceAbort(Promise.resolve(7), new AbortController().signal), 7);
    await assert.rejects(raceAbort(Promise.reject(new Error('boom')), undefined), /boom/);
  });

  it('raceAbort rejects with the reason at once, even while the work never ends', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const raced = raceAbort(new Promise<never>(() => undefined), controller.signal);
    controller.abort(reason);
    await assert.rejects(raced, (error: unknown) => error === reason);
  });

  it('sleep resolves after its time and rejects with the reason when aborted first', async () => {
    await sleep(0);
    const controller = new AbortController();
    const reason = new Error('wake up');
    const long = sleep(3_600_000, controller.signal);
    controller.abort(reason);
    await assert.rejects(long, (error: unknown) => error === reason);
    await assert.rejects(sleep(0, AbortSignal.abort(reason)), (error: unknown) => error === reason);
  });
});
