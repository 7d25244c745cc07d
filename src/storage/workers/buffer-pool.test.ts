import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferPool } from './buffer-pool.ts';

describe('buffer pool', () => {
  it('hands out at most its limit of buffers, and the next waits for a release', async () => {
    const pool = new BufferPool(1024, 2);
    const first = await pool.acquire(1024);
    await pool.acquire(100);
    let served = false;
    const waiting = pool.acquire(512).then((b) => {
      served = true;
      return b;
    });
    await Promise.resolve();
    assert.ok(!served, 'the third acquire waits while two buffers are out');
    pool.release(first);
    const third = await waiting;
    assert.equal(third.length, 512);
    assert.equal(third.buffer, first.buffer, 'the released buffer is reused');
  });

  it('gives the permit back for a buffer that did not come back, so a failure never starves the reader', async () => {
    const pool = new BufferPool(1024, 1);
    const lost = await pool.acquire(1024);
    // As a worker that failed would: the buffer was transferred away and never came back.
    (lost.buffer as ArrayBuffer).transfer(0);
    pool.release(lost);
    const next = await pool.acquire(1024);
    assert.equal(next.length, 1024);
    assert.notEqual(next.buffer, lost.buffer, 'a detached buffer is not reused');
  });

  it('refuses a buffer larger than its buffers', async () => {
    await assert.rejects(new BufferPool(1024, 1).acquire(1025), RangeError);
  });
});
