import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextRun } from './next-run.ts';
import type { HourlyInterval, Schedule } from './schedule.ts';
import type { Weekday } from './calendar-names.ts';

const daily = (time: string, timeZone: string): Schedule => ({ kind: 'Daily', runTimes: [time], timeZone });
const weekly = (runDays: Weekday[], runTime: string, timeZone: string): Schedule => ({
  kind: 'Weekly',
  runDays,
  runTime,
  timeZone,
});
const hourly = (intervalHours: HourlyInterval, windowStartTime: string, windowDurationHours: number, timeZone: string): Schedule => ({
  kind: 'Hourly',
  intervalHours,
  windowStartTime,
  windowDurationHours,
  timeZone,
});

interface Case {
  readonly name: string;
  readonly schedule: Schedule;
  readonly lastRun?: string;
  readonly now: string;
  readonly next: string;
}

function run(cases: readonly Case[]): void {
  for (const { name, schedule, lastRun, now, next } of cases) {
    test(name, () => {
      const result = nextRun(schedule, lastRun === undefined ? undefined : new Date(lastRun), new Date(now));
      assert.equal(result.toISOString(), new Date(next).toISOString());
    });
  }
}

describe('nextRun on a daily schedule', () => {
  run([
    { name: 'before the day\'s slot it is today\'s slot (10:00 CET = 09:00Z)', schedule: daily('10:00', 'Europe/Madrid'), now: '2026-03-28T08:30:00Z', next: '2026-03-28T09:00:00Z' },
    { name: 'after it, Madrid keeps 10:00 across spring-forward: 10:00 CEST = 08:00Z', schedule: daily('10:00', 'Europe/Madrid'), now: '2026-03-28T09:30:00Z', next: '2026-03-29T08:00:00Z' },
    { name: 'a Madrid 02:30 slot on spring-forward night runs at 03:00 CEST', schedule: daily('02:30', 'Europe/Madrid'), now: '2026-03-28T12:00:00Z', next: '2026-03-29T01:00:00Z' },
    { name: 'a Madrid 02:30 slot on fall-back night runs at the first 02:30 (CEST)', schedule: daily('02:30', 'Europe/Madrid'), now: '2026-10-24T12:00:00Z', next: '2026-10-25T00:30:00Z' },
    { name: 'between the two Madrid 02:30s the slot is taken; the next is the following night', schedule: daily('02:30', 'Europe/Madrid'), lastRun: '2026-10-25T00:30:00Z', now: '2026-10-25T01:00:00Z', next: '2026-10-26T01:30:00Z' },
    { name: 'Los Angeles 22:00 the evening before spring-forward is 06:00Z', schedule: daily('22:00', 'America/Los_Angeles'), now: '2026-03-07T12:00:00Z', next: '2026-03-08T06:00:00Z' },
    { name: 'Los Angeles 22:00 on the spring-forward day is 05:00Z, 23 hours later', schedule: daily('22:00', 'America/Los_Angeles'), lastRun: '2026-03-08T06:00:00Z', now: '2026-03-08T06:00:00Z', next: '2026-03-09T05:00:00Z' },
    { name: 'the Windows id "Pacific Standard Time" runs a repeated 01:30 once, in PDT', schedule: daily('01:30', 'Pacific Standard Time'), now: '2026-10-31T12:00:00Z', next: '2026-11-01T08:30:00Z' },
    { name: 'India\'s half-hour offset puts 00:30 IST at 19:00Z the day before', schedule: daily('00:30', 'India Standard Time'), now: '2026-01-01T00:00:00Z', next: '2026-01-01T19:00:00Z' },
    { name: 'a slot exactly at now counts as taken', schedule: daily('10:00', 'UTC'), now: '2026-11-20T10:00:00Z', next: '2026-11-21T10:00:00Z' },
    { name: 'missed days are not made up: after a long outage it is the next slot to come', schedule: daily('10:00', 'UTC'), lastRun: '2026-11-01T10:00:00Z', now: '2026-11-20T15:00:00Z', next: '2026-11-21T10:00:00Z' },
    { name: 'a lastRun later than now (clock stepped back) stops the same slot running twice', schedule: daily('10:00', 'UTC'), lastRun: '2026-11-20T10:00:00Z', now: '2026-11-20T09:59:00Z', next: '2026-11-21T10:00:00Z' },
  ]);

  test('over a week containing Los Angeles spring-forward the gaps are 24 h except one of 23 h', () => {
    const schedule = daily('22:00', 'America/Los_Angeles');
    let at = new Date('2026-03-04T12:00:00Z');
    const gaps: number[] = [];
    for (let i = 0; i < 7; i++) {
      const next = nextRun(schedule, at, at);
      if (i > 0) gaps.push((next.getTime() - at.getTime()) / 3_600_000);
      at = next;
    }
    assert.deepEqual(gaps, [24, 24, 24, 23, 24, 24]);
  });
});

describe('nextRun on a weekly schedule', () => {
  run([
    { name: 'on Thursday after the slot, a Monday/Thursday schedule next runs Monday', schedule: weekly(['Monday', 'Thursday'], '09:30', 'UTC'), now: '2026-11-19T10:00:00Z', next: '2026-11-23T09:30:00Z' },
    { name: 'on Wednesday, a Tuesday-only schedule waits six days for next Tuesday', schedule: weekly(['Tuesday'], '22:00', 'UTC'), now: '2026-11-18T08:00:00Z', next: '2026-11-24T22:00:00Z' },
    { name: 'on a run day before the run time it is the same day', schedule: weekly(['Thursday'], '09:30', 'UTC'), now: '2026-11-19T09:00:00Z', next: '2026-11-19T09:30:00Z' },
    { name: 'on the only run day at the run time, it is a week later', schedule: weekly(['Thursday'], '09:30', 'UTC'), now: '2026-11-19T09:30:00Z', next: '2026-11-26T09:30:00Z' },
    { name: 'a Sunday 10:00 Madrid run after spring-forward moves from 09:00Z to 08:00Z', schedule: weekly(['Sunday'], '10:00', 'Europe/Madrid'), now: '2026-03-22T10:00:00Z', next: '2026-03-29T08:00:00Z' },
    { name: 'the run day is judged in the zone: Saturday 23:00Z is already Sunday in Tokyo', schedule: weekly(['Sunday'], '09:00', 'Tokyo Standard Time'), now: '2026-11-21T23:00:00Z', next: '2026-11-22T00:00:00Z' },
  ]);
});

describe('nextRun on an hourly schedule', () => {
  const overnight = hourly(4, '20:00', 12, 'UTC'); // 20:00, 00:00, 04:00
  run([
    { name: 'at 01:00 the next slot is 04:00, from the window that opened the evening before', schedule: overnight, now: '2026-05-05T01:00:00Z', next: '2026-05-05T04:00:00Z' },
    { name: 'after the window closes the next slot is the evening\'s window start', schedule: overnight, now: '2026-05-05T05:00:00Z', next: '2026-05-05T20:00:00Z' },
    { name: 'late in the evening the next slot is midnight of the next day', schedule: overnight, now: '2026-05-05T23:00:00Z', next: '2026-05-06T00:00:00Z' },
    { name: 'a start at window start + duration is outside the window (08:00 is not a slot)', schedule: overnight, now: '2026-05-05T04:00:00Z', next: '2026-05-05T20:00:00Z' },
    { name: 'every 8 hours from 23:30 over 24 hours runs at 15:30 after 07:30', schedule: hourly(8, '23:30', 24, 'UTC'), now: '2026-05-05T08:00:00Z', next: '2026-05-05T15:30:00Z' },
    { name: 'in Madrid, the 04:00 slot on spring-forward day comes 3 hours after 00:00 (02:00Z)', schedule: hourly(4, '00:00', 24, 'Europe/Madrid'), now: '2026-03-28T23:30:00Z', next: '2026-03-29T02:00:00Z' },
    { name: 'in Madrid, the 04:00 slot on fall-back day comes 5 hours after 00:00 (03:00Z)', schedule: hourly(4, '00:00', 24, 'Europe/Madrid'), now: '2026-10-24T22:30:00Z', next: '2026-10-25T03:00:00Z' },
    { name: 'a Los Angeles 02:00 slot lost to spring-forward runs at 03:00 PDT', schedule: hourly(12, '02:00', 24, 'America/Los_Angeles'), now: '2026-03-07T23:00:00Z', next: '2026-03-08T10:00:00Z' },
    { name: 'the Los Angeles 14:00 slot after spring-forward is 21:00Z', schedule: hourly(12, '02:00', 24, 'America/Los_Angeles'), now: '2026-03-08T10:00:00Z', next: '2026-03-08T21:00:00Z' },
  ]);

  test('a day of the Madrid hourly schedule after spring-forward keeps the wall-clock slots', () => {
    const schedule = hourly(4, '00:00', 24, 'Europe/Madrid');
    let at = new Date('2026-03-28T22:30:00Z');
    const slots: string[] = [];
    for (let i = 0; i < 7; i++) {
      at = nextRun(schedule, at, at);
      slots.push(at.toISOString().slice(0, 16));
    }
    assert.deepEqual(slots, [
      '2026-03-28T23:00', // 00:00 CET
      '2026-03-29T02:00', // 04:00 CEST
      '2026-03-29T06:00',
      '2026-03-29T10:00',
      '2026-03-29T14:00',
      '2026-03-29T18:00',
      '2026-03-29T22:00', // 00:00 CEST on the 30th
    ]);
  });
});

describe('nextRun refuses', () => {
  test('an invalid schedule, with the schedule code', () => {
    assert.throws(() => nextRun(daily('10:10', 'UTC'), undefined, new Date('2026-01-01T00:00:00Z')), {
      code: 'UserErrorInvalidSchedule',
    });
  });

  test('a now that is not a date', () => {
    assert.throws(() => nextRun(daily('10:00', 'UTC'), undefined, new Date('not a date')), {
      code: 'UserErrorInvalidArgument',
      params: { name: 'now', reason: 'it is not a valid date' },
    });
  });
});
