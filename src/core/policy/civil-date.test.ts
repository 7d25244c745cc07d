import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  addDays,
  dayNumber,
  daysInMonth,
  formatDate,
  formatIsoWeek,
  fromDayNumber,
  isoWeek,
  weekdayIndex,
} from './civil-date.ts';

describe('civil dates', () => {
  const weekdays = [
    { name: 'the epoch was a Thursday', date: { year: 1970, month: 1, day: 1 }, weekday: 4 },
    { name: '2026-11-20 is a Friday', date: { year: 2026, month: 11, day: 20 }, weekday: 5 },
    { name: 'a leap day (2028-02-29) is a Tuesday', date: { year: 2028, month: 2, day: 29 }, weekday: 2 },
    { name: 'a date before the epoch (1969-12-28) is a Sunday', date: { year: 1969, month: 12, day: 28 }, weekday: 0 },
  ];
  for (const { name, date, weekday } of weekdays) {
    test(name, () => assert.equal(weekdayIndex(date), weekday));
  }

  const monthLengths = [
    { name: 'February has 28 days in a common year', year: 2026, month: 2, days: 28 },
    { name: 'February has 29 days in a leap year', year: 2028, month: 2, days: 29 },
    { name: 'February has 28 days in 2100, a century that is not a leap year', year: 2100, month: 2, days: 28 },
    { name: 'February has 29 days in 2000, divisible by 400', year: 2000, month: 2, days: 29 },
    { name: 'April has 30 days', year: 2026, month: 4, days: 30 },
    { name: 'December has 31 days', year: 2026, month: 12, days: 31 },
  ];
  for (const { name, year, month, days } of monthLengths) {
    test(name, () => assert.equal(daysInMonth(year, month), days));
  }

  const weeks = [
    { name: '2026-11-20 is in ISO week 47 of 2026', date: { year: 2026, month: 11, day: 20 }, label: '2026-W47' },
    { name: '2027-01-01, a Friday, belongs to the last ISO week of 2026', date: { year: 2027, month: 1, day: 1 }, label: '2026-W53' },
    { name: '2024-12-30, a Monday, starts ISO week 1 of 2025', date: { year: 2024, month: 12, day: 30 }, label: '2025-W01' },
    { name: 'a Sunday closes its ISO week (2026-11-22 is still W47)', date: { year: 2026, month: 11, day: 22 }, label: '2026-W47' },
  ];
  for (const { name, date, label } of weeks) {
    test(name, () => assert.equal(formatIsoWeek(date), label));
  }

  test('ISO week numbers come with the week-year, not the calendar year', () => {
    assert.deepEqual(isoWeek({ year: 2021, month: 1, day: 3 }), { year: 2020, week: 53 });
  });

  test('adding days crosses month, year and leap-day boundaries', () => {
    assert.equal(formatDate(addDays({ year: 2028, month: 2, day: 28 }, 1)), '2028-02-29');
    assert.equal(formatDate(addDays({ year: 2026, month: 12, day: 31 }, 1)), '2027-01-01');
    assert.equal(formatDate(addDays({ year: 2026, month: 3, day: 1 }, -1)), '2026-02-28');
  });

  test('day numbers round-trip, including years below 100', () => {
    for (const date of [{ year: 2026, month: 11, day: 20 }, { year: 50, month: 6, day: 15 }]) {
      assert.deepEqual(fromDayNumber(dayNumber(date)), date);
    }
    assert.equal(dayNumber({ year: 1970, month: 1, day: 2 }), 1);
  });
});
