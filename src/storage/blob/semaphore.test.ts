import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Semaphore } from './semaphore.ts';

describe('Semaphore', () => {
  it('hands out at most limit permits and queues the rest', async () => {
    const permits = new Semaphore(2);
    const first = await permits.acquire();
    await permits.acquire();
    let third = false;
    const queued = permits.acquire().then((release) => {
      third = true;
      return release;
    });
    await Promise.resolve();
    assert.equal(third, false);
    assert.deepEqual([permits.held, permits.waiting], [2, 1]);
    first();
    (await queued)();
    assert.equal(third, true);
    assert.deepEqual([permits.held, permits.waiting], [1, 0]);
  });

  it('serves waiters first come, first served', async () => {
    const permits = new Semaphore(1);
    const release = await permits.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      permits.acquire().then((next) => {
        order.push(n);
        next();
      }),
    );
    release();
    await Promise.all(waiters);
    assert.deepEqual(order, [1, 2, 3]);
    assert.equal(permits.held, 0);
  });

  it('drops a waiter whose signal aborts, rejecting with the reason, and serves the next one', async () => {
    const permits = new Semaphore(1);
    const release = await permits.acquire();
    const controller = new AbortController();
    const reason = new Error('no longer needed');
    const aborted = permits.acquire(controller.signal);
    const next = permits.acquire();
    controller.abort(reason);
    await assert.rejects(aborted, (error: unknown) => error === reason);
    assert.equal(permits.waiting, 1);
    release();
    (await next)();
    assert.equal(permits.held, 0);
  });

  it('refuses an already aborted signal without taking a permit', async () => {
    const permits = new Semaphore(1);
    const reason = new Error('stop');
    await assert.rejects(permits.acquire(AbortSignal.abort(reason)), (error: unknown) => error === reason);
    assert.equal(permits.held, 0);
  });

  it('ignores a second release of the same permit', async () => {
    const permits = new Semaphore(1);
    const release = await permits.acquire();
    release();
    release();
    assert.equal(permits.held, 0);
    await permits.acquire();
    assert.equal(permits.held, 1);
  });

  for (const limit of [0, -1, 1.5, Number.NaN]) {
    it(`refuses a limit of ${limit}`, () => {
      assert.throws(() => new Semaphore(limit), { code: 'UserErrorInvalidArgument' });
    });
  }
});
