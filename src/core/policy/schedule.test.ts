import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runsPerDay, validateSchedule, type Schedule } from './schedule.ts';

const daily = (runTimes: unknown, timeZone = 'UTC') => ({ kind: 'Daily', runTimes, timeZone }) as Schedule;
const weekly = (runDays: unknown, runTime = '22:00', timeZone = 'UTC') =>
  ({ kind: 'Weekly', runDays, runTime, timeZone }) as Schedule;
const hourly = (intervalHours: unknown, windowStartTime: unknown, windowDurationHours: unknown, timeZone = 'UTC') =>
  ({ kind: 'Hourly', intervalHours, windowStartTime, windowDurationHours, timeZone }) as Schedule;

describe('validateSchedule accepts', () => {
  test('a daily schedule on the half hour, resolving a Windows zone to IANA', () => {
    assert.deepEqual(validateSchedule(daily(['22:30'], 'Pacific Standard Time')), {
      kind: 'Daily',
      runTimes: ['22:30'],
      timeZone: 'America/Los_Angeles',
    });
  });

  test('a weekly schedule, putting its days in week order', () => {
    const valid = validateSchedule(weekly(['Friday', 'Monday', 'Sunday']));
    assert.deepEqual(valid.kind === 'Weekly' && valid.runDays, ['Sunday', 'Monday', 'Friday']);
  });

  test('an hourly schedule whose window runs past midnight', () => {
    assert.deepEqual(validateSchedule(hourly(4, '20:00', 12, 'europe/madrid')), {
      kind: 'Hourly',
      intervalHours: 4,
      windowStartTime: '20:00',
      windowDurationHours: 12,
      timeZone: 'Europe/Madrid',
    });
  });

  test('midnight and the last half hour of the day as times', () => {
    assert.doesNotThrow(() => validateSchedule(daily(['00:00'])));
    assert.doesNotThrow(() => validateSchedule(daily(['23:30'])));
  });
});

describe('validateSchedule refuses', () => {
  const cases: { name: string; schedule: Schedule; reason: RegExp }[] = [
    { name: 'a daily schedule with two run times', schedule: daily(['08:00', '20:00']), reason: /exactly one time .* holds 2/ },
    { name: 'a daily schedule with no run time', schedule: daily([]), reason: /exactly one time .* holds 0/ },
    { name: 'a run time of 25:00', schedule: daily(['25:00']), reason: /runTimes\[0\] "25:00" is not a time of day/ },
    { name: 'a run time without a leading zero', schedule: daily(['9:00']), reason: /"9:00" is not a time of day/ },
    { name: 'a run time with seconds', schedule: daily(['09:00:00']), reason: /"09:00:00" is not a time of day/ },
    { name: 'a run time at a quarter past', schedule: daily(['10:15']), reason: /"10:15" must fall on the hour or the half hour/ },
    { name: 'a run time that is a number', schedule: daily([1000]), reason: /runTimes\[0\] must be a time of day/ },
    { name: 'a weekly schedule with no days', schedule: weekly([]), reason: /runDays must list at least one day/ },
    { name: 'a weekly schedule naming a day twice', schedule: weekly(['Monday', 'Tuesday', 'Monday']), reason: /runDays lists Monday more than once/ },
    { name: 'an abbreviated day name', schedule: weekly(['Mon']), reason: /runDays has "Mon", which is not a day of the week/ },
    { name: 'a weekly run time at 07:45', schedule: weekly(['Monday'], '07:45'), reason: /runTime "07:45" must fall on the hour/ },
    { name: 'an hourly interval of 5 hours', schedule: hourly(5, '08:00', 12), reason: /intervalHours 5 is not one of 4, 6, 8, 12/ },
    { name: 'an hourly interval of 1 hour', schedule: hourly(1, '08:00', 12), reason: /intervalHours 1 is not one of/ },
    { name: 'an hourly window of 3 hours', schedule: hourly(4, '08:00', 3), reason: /windowDurationHours 3 is too short/ },
    { name: 'an hourly window of 25 hours', schedule: hourly(4, '08:00', 25), reason: /windowDurationHours 25 is too long/ },
    { name: 'an hourly window of 4.5 hours', schedule: hourly(4, '08:00', 4.5), reason: /whole number of hours; got 4.5/ },
    { name: 'an hourly window start at 08:10', schedule: hourly(4, '08:10', 12), reason: /windowStartTime "08:10" must fall on the hour/ },
    { name: 'a kind Azure does not have', schedule: { kind: 'Monthly', timeZone: 'UTC' } as unknown as Schedule, reason: /kind "Monthly" is not one of Daily, Weekly, Hourly/ },
  ];
  for (const { name, schedule, reason } of cases) {
    test(name, () => {
      assert.throws(() => validateSchedule(schedule), (error: { code?: string; params?: { reason?: string } }) => {
        assert.equal(error.code, 'UserErrorInvalidSchedule');
        assert.match(error.params?.reason ?? '', reason);
        return true;
      });
    });
  }

  test('an unknown time zone, with the time-zone code', () => {
    assert.throws(() => validateSchedule(daily(['10:00'], 'Moon Standard Time')), { code: 'UserErrorInvalidTimeZone' });
  });
});

describe('runsPerDay', () => {
  const cases: { name: string; schedule: Schedule; runs: number }[] = [
    { name: 'a daily schedule runs once a day', schedule: daily(['10:00']), runs: 1 },
    { name: 'a weekly schedule runs once on each run day', schedule: weekly(['Monday', 'Friday']), runs: 1 },
    { name: 'every 4 hours over 24 hours is 6 runs', schedule: hourly(4, '00:00', 24), runs: 6 },
    { name: 'every 4 hours over a 23-hour window is still 6 runs (the last at +20 h)', schedule: hourly(4, '08:00', 23), runs: 6 },
    { name: 'every 6 hours over 12 hours is 2 runs (a start at +12 h is outside)', schedule: hourly(6, '08:00', 12), runs: 2 },
    { name: 'every 8 hours over 24 hours is 3 runs', schedule: hourly(8, '02:00', 24), runs: 3 },
    { name: 'every 12 hours over 4 hours is a single run', schedule: hourly(12, '02:00', 4), runs: 1 },
  ];
  for (const { name, schedule, runs } of cases) {
    test(name, () => assert.equal(runsPerDay(schedule), runs));
  }
});
