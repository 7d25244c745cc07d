import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toInstant, toZoned, utcOffsetMinutes, type LocalDateTime } from './wall-clock.ts';

const local = (text: string): LocalDateTime => {
  const [date = '', time = ''] = text.split(' ');
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute] = time.split(':').map(Number);
  return { year: year ?? 0, month: month ?? 0, day: day ?? 0, hour: hour ?? 0, minute: minute ?? 0 };
};

describe('toInstant', () => {
  const cases = [
    { name: 'Madrid in winter is one hour ahead of UTC', zone: 'Europe/Madrid', at: '2026-01-15 10:00', utc: '2026-01-15T09:00:00.000Z' },
    { name: 'Madrid in summer is two hours ahead of UTC', zone: 'Europe/Madrid', at: '2026-07-15 10:00', utc: '2026-07-15T08:00:00.000Z' },
    { name: 'a Madrid 02:30 lost to spring-forward moves to 03:00 CEST', zone: 'Europe/Madrid', at: '2026-03-29 02:30', utc: '2026-03-29T01:00:00.000Z' },
    { name: 'a Madrid 02:00 at the very start of the gap moves to 03:00 CEST', zone: 'Europe/Madrid', at: '2026-03-29 02:00', utc: '2026-03-29T01:00:00.000Z' },
    { name: 'Madrid 03:00 right after the gap is the same instant', zone: 'Europe/Madrid', at: '2026-03-29 03:00', utc: '2026-03-29T01:00:00.000Z' },
    { name: 'a Madrid 02:30 that happens twice in autumn takes the first, in CEST', zone: 'Europe/Madrid', at: '2026-10-25 02:30', utc: '2026-10-25T00:30:00.000Z' },
    { name: 'Madrid 03:00 after the autumn overlap is in CET', zone: 'Europe/Madrid', at: '2026-10-25 03:00', utc: '2026-10-25T02:00:00.000Z' },
    { name: 'a Los Angeles 02:30 lost to spring-forward moves to 03:00 PDT', zone: 'America/Los_Angeles', at: '2026-03-08 02:30', utc: '2026-03-08T10:00:00.000Z' },
    { name: 'a Los Angeles 01:30 repeated in November takes the PDT one', zone: 'America/Los_Angeles', at: '2026-11-01 01:30', utc: '2026-11-01T08:30:00.000Z' },
    { name: 'a Windows id works as the zone', zone: 'Pacific Standard Time', at: '2026-11-01 01:30', utc: '2026-11-01T08:30:00.000Z' },
    { name: 'Sydney repeats 02:30 in April, southern autumn; the first is AEDT', zone: 'Australia/Sydney', at: '2026-04-05 02:30', utc: '2026-04-04T15:30:00.000Z' },
    { name: 'Sydney skips 02:30 in October; it moves to 03:00 AEDT', zone: 'Australia/Sydney', at: '2026-10-04 02:30', utc: '2026-10-03T16:00:00.000Z' },
    { name: 'Lord Howe springs forward only half an hour; 02:15 moves to 02:30', zone: 'Australia/Lord_Howe', at: '2026-10-04 02:15', utc: '2026-10-03T15:30:00.000Z' },
    { name: 'Kolkata is five and a half hours ahead, across midnight', zone: 'Asia/Kolkata', at: '2026-01-01 00:30', utc: '2025-12-31T19:00:00.000Z' },
    { name: 'Kathmandu is five hours forty-five ahead', zone: 'Asia/Kathmandu', at: '2026-01-01 06:00', utc: '2026-01-01T00:15:00.000Z' },
    { name: 'Samoa skipped 30 December 2011 entirely; noon moves to the next midnight', zone: 'Pacific/Apia', at: '2011-12-30 12:00', utc: '2011-12-30T10:00:00.000Z' },
  ];
  for (const { name, zone, at, utc } of cases) {
    test(name, () => assert.equal(toInstant(local(at), zone).toISOString(), utc));
  }

  test('seconds in the reading are honoured', () => {
    assert.equal(toInstant({ ...local('2026-01-15 10:00'), second: 42 }, 'UTC').toISOString(), '2026-01-15T10:00:42.000Z');
  });
});

describe('toZoned', () => {
  test('reads the wall clock just after the Madrid spring-forward as 03:00', () => {
    assert.deepEqual(toZoned(new Date('2026-03-29T01:00:00Z'), 'Europe/Madrid'), {
      year: 2026, month: 3, day: 29, hour: 3, minute: 0, second: 0,
    });
  });

  test('reads midnight as hour 0, not 24', () => {
    assert.equal(toZoned(new Date('2026-05-04T22:00:00Z'), 'Europe/Madrid').hour, 0);
  });

  test('gives the local date, which can differ from the UTC date', () => {
    const zoned = toZoned(new Date('2026-11-20T23:30:00Z'), 'Asia/Tokyo');
    assert.deepEqual([zoned.year, zoned.month, zoned.day, zoned.hour], [2026, 11, 21, 8]);
  });

  const offsets = [
    { name: 'Madrid in summer is +120 minutes', zone: 'Europe/Madrid', at: '2026-07-01T00:00:00Z', minutes: 120 },
    { name: 'Los Angeles in winter is -480 minutes', zone: 'America/Los_Angeles', at: '2026-01-01T00:00:00Z', minutes: -480 },
    { name: 'Kathmandu is +345 minutes', zone: 'Asia/Kathmandu', at: '2026-01-01T00:00:00Z', minutes: 345 },
    { name: 'Etc/GMT+5 is five hours behind UTC', zone: 'Etc/GMT+5', at: '2026-01-01T00:00:00Z', minutes: -300 },
  ];
  for (const { name, zone, at, minutes } of offsets) {
    test(name, () => assert.equal(utcOffsetMinutes(new Date(at), zone), minutes));
  }
});

describe('round trips through the wall clock', () => {
  for (const zone of ['Europe/Madrid', 'America/Los_Angeles', 'Australia/Lord_Howe']) {
    test(`every half hour of 2026 in ${zone} comes back, except the second pass of a repeated hour`, () => {
      const start = Date.UTC(2026, 0, 1);
      const end = Date.UTC(2027, 0, 1);
      let repeated = 0;
      for (let t = start; t < end; t += 30 * 60_000) {
        const back = toInstant(toZoned(new Date(t), zone), zone).getTime();
        if (back === t) continue;
        // A reading that happens twice maps to its first occurrence, one DST shift earlier.
        const shift = utcOffsetMinutes(new Date(back), zone) - utcOffsetMinutes(new Date(t), zone);
        assert.equal(t - back, shift * 60_000, new Date(t).toISOString());
        assert.ok(shift > 0, new Date(t).toISOString());
        repeated++;
      }
      assert.ok(repeated >= 1, 'the year should contain a repeated reading');
    });
  }
});
