import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyRetention, picksDay, type RetentionCandidate } from './retention.ts';
import type { MonthlyRetention } from './retention-policy.ts';

const date = (text: string) => {
  const [year = 0, month = 0, day = 0] = text.split('-').map(Number);
  return { year, month, day };
};
const byDate = (days: MonthlyRetention['daysOfTheMonth']): MonthlyRetention => ({ format: 'Daily', daysOfTheMonth: days, count: 1 });
const byWeek = (weeks: MonthlyRetention['weeksOfTheMonth'], days: MonthlyRetention['daysOfTheWeek']): MonthlyRetention => ({
  format: 'Weekly',
  weeksOfTheMonth: weeks,
  daysOfTheWeek: days,
  count: 1,
});

describe('picksDay', () => {
  const cases: { name: string; picker: MonthlyRetention; day: string; picked: boolean }[] = [
    { name: 'the 15th is picked by day 15', picker: byDate([15]), day: '2026-11-15', picked: true },
    { name: 'the 16th is not picked by day 15', picker: byDate([15]), day: '2026-11-16', picked: false },
    { name: 'Last picks 30 November', picker: byDate(['Last']), day: '2026-11-30', picked: true },
    { name: 'Last picks 31 December', picker: byDate(['Last']), day: '2026-12-31', picked: true },
    { name: 'Last does not pick 30 December', picker: byDate(['Last']), day: '2026-12-30', picked: false },
    { name: 'Last picks 28 February in a common year', picker: byDate(['Last']), day: '2026-02-28', picked: true },
    { name: 'Last picks 29 February in a leap year', picker: byDate(['Last']), day: '2028-02-29', picked: true },
    { name: 'Last does not pick 28 February in a leap year', picker: byDate(['Last']), day: '2028-02-28', picked: false },
    { name: 'First Sunday picks 1 November 2026', picker: byWeek(['First'], ['Sunday']), day: '2026-11-01', picked: true },
    { name: 'First Sunday does not pick the second Sunday', picker: byWeek(['First'], ['Sunday']), day: '2026-11-08', picked: false },
    { name: 'Second Monday does not pick a Tuesday of the second week', picker: byWeek(['Second'], ['Monday']), day: '2026-11-10', picked: false },
    { name: 'Fourth Thursday picks Thanksgiving, 26 November 2026', picker: byWeek(['Fourth'], ['Thursday']), day: '2026-11-26', picked: true },
    { name: 'Last Friday picks 30 January 2026, the fifth Friday', picker: byWeek(['Last'], ['Friday']), day: '2026-01-30', picked: true },
    { name: 'Last Friday does not pick 23 January 2026, the fourth', picker: byWeek(['Last'], ['Friday']), day: '2026-01-23', picked: false },
    { name: 'Fourth Friday picks 23 January 2026', picker: byWeek(['Fourth'], ['Friday']), day: '2026-01-23', picked: true },
    { name: 'Fourth Friday does not pick the fifth, 30 January 2026', picker: byWeek(['Fourth'], ['Friday']), day: '2026-01-30', picked: false },
    { name: 'Last Friday and Fourth Friday both pick 27 November 2026', picker: byWeek(['Last'], ['Friday']), day: '2026-11-27', picked: true },
  ];
  for (const { name, picker, day, picked } of cases) {
    test(name, () => assert.equal(picksDay(picker, date(day)), picked));
  }
});

const points = (...times: string[]): RetentionCandidate[] => times.map((time) => ({ id: time, time: new Date(time) }));
const utc = { timeZone: 'UTC' };

describe('applyRetention', () => {
  test('daily 7 keeps the last point of each of the 7 days ending today', () => {
    const input = points(
      '2026-11-10T22:00:00Z', '2026-11-11T22:00:00Z', '2026-11-12T22:00:00Z', '2026-11-13T22:00:00Z',
      '2026-11-14T22:00:00Z', '2026-11-15T22:00:00Z', '2026-11-16T22:00:00Z', '2026-11-17T22:00:00Z',
    );
    const result = applyRetention(input, { ...utc, retention: { daily: { count: 7 } } }, new Date('2026-11-17T23:00:00Z'));
    assert.deepEqual(result.keep.map((p) => p.reasons.at(-1)), [
      'daily 2026-11-17', 'daily 2026-11-16', 'daily 2026-11-15', 'daily 2026-11-14',
      'daily 2026-11-13', 'daily 2026-11-12', 'daily 2026-11-11',
    ]);
    assert.deepEqual(result.keep[0]?.reasons, ['latest', 'daily 2026-11-17']);
    assert.deepEqual(result.remove, [{ id: '2026-11-10T22:00:00Z' }]);
  });

  test('of several points on one day only the newest counts for the rules', () => {
    const input = points('2026-11-16T08:00:00Z', '2026-11-16T20:00:00Z', '2026-11-16T14:00:00Z');
    const result = applyRetention(input, { ...utc, retention: { daily: { count: 7 } } }, new Date('2026-11-17T12:00:00Z'));
    assert.deepEqual(result.keep, [{ id: '2026-11-16T20:00:00Z', reasons: ['latest', 'daily 2026-11-16'] }]);
    assert.deepEqual(result.remove, [{ id: '2026-11-16T14:00:00Z' }, { id: '2026-11-16T08:00:00Z' }]);
  });

  test('the newest point survives even when every rule has let it go', () => {
    const input = points('2025-01-01T10:00:00Z', '2025-01-02T10:00:00Z');
    const result = applyRetention(input, { ...utc, retention: { daily: { count: 7 } } }, new Date('2026-01-01T10:00:00Z'));
    assert.deepEqual(result.keep, [{ id: '2025-01-02T10:00:00Z', reasons: ['latest'] }]);
    assert.deepEqual(result.remove, [{ id: '2025-01-01T10:00:00Z' }]);
  });

  test('a point after now is kept as future, and latest goes to the newest point not after now', () => {
    const input = points('2026-11-17T22:00:00Z', '2026-11-17T10:00:00Z');
    const result = applyRetention(input, { ...utc, retention: { daily: { count: 7 } } }, new Date('2026-11-17T12:00:00Z'));
    assert.deepEqual(result.keep, [
      { id: '2026-11-17T22:00:00Z', reasons: ['future'] },
      { id: '2026-11-17T10:00:00Z', reasons: ['latest', 'daily 2026-11-17'] },
    ]);
  });

  test('a point exactly at now is not in the future', () => {
    const result = applyRetention(points('2026-11-17T12:00:00Z'), { ...utc, retention: { daily: { count: 7 } } }, new Date('2026-11-17T12:00:00Z'));
    assert.deepEqual(result.keep[0]?.reasons, ['latest', 'daily 2026-11-17']);
  });

  test('points taken at the same instant are ordered by id, and the first one represents the day', () => {
    const time = new Date('2026-11-17T10:00:00Z');
    const input = [{ id: 'rp-b', time }, { id: 'rp-a', time }];
    const result = applyRetention(input, { ...utc, retention: { daily: { count: 7 } } }, new Date('2026-11-18T00:00:00Z'));
    assert.deepEqual(result.keep, [{ id: 'rp-a', reasons: ['latest', 'daily 2026-11-17'] }]);
    assert.deepEqual(result.remove, [{ id: 'rp-b' }]);
  });

  test('the order of the input does not change the decision', () => {
    const input = points('2026-11-01T10:00:00Z', '2026-11-08T10:00:00Z', '2026-11-15T10:00:00Z', '2026-11-16T10:00:00Z');
    const policy = { ...utc, retention: { daily: { count: 7 }, weekly: { daysOfTheWeek: ['Sunday' as const], count: 2 } } };
    const now = new Date('2026-11-17T00:00:00Z');
    assert.deepEqual(applyRetention(input.toReversed(), policy, now), applyRetention(input, policy, now));
  });

  test('the calendar day of a point is read in the policy zone, not in UTC', () => {
    // 23:30Z on the 15th is already the 16th in Madrid, so both points fall on the same local day.
    const input = points('2026-11-15T23:30:00Z', '2026-11-16T10:00:00Z');
    const madrid = applyRetention(input, { timeZone: 'Europe/Madrid', retention: { daily: { count: 7 } } }, new Date('2026-11-17T00:00:00Z'));
    assert.deepEqual(madrid.remove, [{ id: '2026-11-15T23:30:00Z' }]);
    const inUtc = applyRetention(input, { ...utc, retention: { daily: { count: 7 } } }, new Date('2026-11-17T00:00:00Z'));
    assert.deepEqual(inUtc.remove, []);
  });

  test('an id given twice is refused', () => {
    const time = new Date('2026-11-17T10:00:00Z');
    assert.throws(
      () => applyRetention([{ id: 'rp', time }, { id: 'rp', time }], { ...utc, retention: { daily: { count: 7 } } }, time),
      { code: 'UserErrorInvalidArgument', params: { name: 'points', reason: 'the id rp appears more than once' } },
    );
  });

  test('an invalid retention is refused before anything is decided', () => {
    assert.throws(() => applyRetention([], { ...utc, retention: { daily: { count: 1 } } }, new Date('2026-11-17T10:00:00Z')), {
      code: 'UserErrorInvalidRetention',
    });
  });

  test('an unknown zone is refused', () => {
    assert.throws(() => applyRetention([], { timeZone: 'Nowhere', retention: { daily: { count: 7 } } }, new Date('2026-11-17T10:00:00Z')), {
      code: 'UserErrorInvalidTimeZone',
    });
  });
});
