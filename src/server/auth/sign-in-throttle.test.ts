import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignInThrottle } from './sign-in-throttle.ts';
import { plus, T0 } from './test-support.ts';

describe('SignInThrottle', () => {
  it('lets a client fail 10 times in a minute, then refuses it until the minute is over', () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 10; i++) {
      assert.equal(throttle.retryAfterSeconds('a', plus(i)), undefined, `attempt ${i + 1}`);
      throttle.recordFailure('a', plus(i));
    }
    assert.equal(throttle.retryAfterSeconds('a', plus(10)), 60);
    assert.equal(throttle.retryAfterSeconds('a', plus(59_001)), 1);
    assert.equal(throttle.retryAfterSeconds('b', plus(10)), undefined, 'another client is not held back');
    assert.equal(throttle.retryAfterSeconds('a', plus(60_000)), undefined, 'a new minute starts afresh');
  });

  it('forgets failures from an earlier window', () => {
    const throttle = new SignInThrottle({ maxFailures: 2, windowMs: 1000 });
    throttle.recordFailure('a', T0);
    throttle.recordFailure('a', plus(1000));
    assert.equal(throttle.retryAfterSeconds('a', plus(1001)), undefined);
  });

  it('keeps at most maxKeys clients in memory, dropping ended windows first, then the oldest', () => {
    const throttle = new SignInThrottle({ maxFailures: 1, windowMs: 1000, maxKeys: 2 });
    throttle.recordFailure('old', T0);
    throttle.recordFailure('a', plus(500));
    throttle.recordFailure('b', plus(1200));
    assert.equal(throttle.retryAfterSeconds('a', plus(1200)), 1, 'the ended window went, not a live one');
    throttle.recordFailure('c', plus(1300));
    assert.equal(throttle.retryAfterSeconds('a', plus(1300)), undefined, 'full of live windows: the oldest went');
    assert.equal(throttle.retryAfterSeconds('c', plus(1300)), 1);
  });
});
