import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { INSTANT_RP_RETENTION_DAYS, validateInstantRetention } from './instant-retention.ts';

describe('instant restore retention', () => {
  test('defaults to 2 days within 1 to 5', () => {
    assert.deepEqual(INSTANT_RP_RETENTION_DAYS, { min: 1, max: 5, default: 2 });
  });

  for (const days of [1, 2, 5]) {
    test(`${days} day(s) is accepted and returned`, () => assert.equal(validateInstantRetention(days), days));
  }

  const refused = [
    { name: 'zero days is below the minimum', days: 0 },
    { name: 'six days is above the maximum', days: 6 },
    { name: 'a day and a half is not a whole number', days: 1.5 },
    { name: 'a negative count is refused', days: -2 },
    { name: 'NaN is refused', days: Number.NaN },
  ];
  for (const { name, days } of refused) {
    test(name, () => {
      assert.throws(() => validateInstantRetention(days), {
        code: 'UserErrorInstantRpRetentionOutOfRange',
        params: { days, min: 1, max: 5 },
      });
    });
  }

  test('a value that is not a number is reported as written', () => {
    assert.throws(() => validateInstantRetention('3' as unknown as number), { params: { days: '3', min: 1, max: 5 } });
  });

  test('the message names the range and the value asked for', () => {
    assert.throws(() => validateInstantRetention(7), { message: 'Instant restore points can be kept from 1 to 5 days; the policy asks for 7.' });
  });
});
