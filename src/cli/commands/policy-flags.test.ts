import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeRetention, describeSchedule, policyFromFlags, type PolicyFlags } from './policy-flags.ts';

describe('policy from flags', () => {
  const cases: { name: string; flags: PolicyFlags; schedule: string; retention: string; type: string }[] = [
    { name: 'a daily run keeps daily points, V1', flags: { daily: '02:30', retainDaily: '30' }, schedule: 'daily at 02:30 (UTC)', retention: '30 days', type: 'V1' },
    { name: '--v2 makes a daily policy Enhanced', flags: { daily: '23:00', retainDaily: '7', v2: true, timeZone: 'Europe/Madrid' }, schedule: 'daily at 23:00 (Europe/Madrid)', retention: '7 days', type: 'V2' },
    { name: 'weekly days accept short names and keep weeks, months and years', flags: { weekly: 'sun,Wed@22:00', retainWeekly: '12', retainMonthly: '6', retainYearly: '2' }, schedule: 'weekly on Sunday, Wednesday at 22:00 (UTC)', retention: '12 weeks, 6 months, 2 years', type: 'V1' },
    { name: 'hourly is always V2, with its window', flags: { hourly: '6', windowStart: '08:00', windowHours: '12', retainDaily: '14' }, schedule: 'every 6 h from 08:00 for 12 h (UTC)', retention: '14 days', type: 'V2' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const properties = policyFromFlags(c.flags);
      assert.equal(properties.policyType, c.type);
      assert.equal(describeSchedule(properties), c.schedule);
      assert.equal(describeRetention(properties), c.retention);
    });
  }

  const refused: { name: string; flags: PolicyFlags; reason: RegExp }[] = [
    { name: 'two schedules at once', flags: { daily: '02:30', weekly: 'Sun@02:30', retainDaily: '1' }, reason: /exactly one schedule/ },
    { name: 'a time that is not HH:MM', flags: { daily: '2:30pm', retainDaily: '1' }, reason: /HH:MM/ },
    { name: 'an hourly interval Azure does not offer', flags: { hourly: '5', windowStart: '08:00', windowHours: '12', retainDaily: '1' }, reason: /4, 6, 8 or 12/ },
    { name: 'a day that is not a day', flags: { weekly: 'Someday@02:30', retainWeekly: '1' }, reason: /not a day of the week/ },
    { name: 'no retention at all', flags: { daily: '02:30' }, reason: /how long to keep/ },
  ];
  for (const c of refused) {
    it(`refuses ${c.name} with UserErrorInvalidArgument`, () => {
      assert.throws(() => policyFromFlags(c.flags), (error: Error & { code?: string }) => error.code === 'UserErrorInvalidArgument' && c.reason.test(error.message));
    });
  }
});
