import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validatePolicy, type IaasVmPolicy } from './policy.ts';

const dailyPolicy: IaasVmPolicy = {
  name: 'DefaultPolicy',
  policyType: 'V1',
  schedule: { kind: 'Daily', runTimes: ['22:30'], timeZone: 'UTC' },
  retention: { daily: { count: 30 }, weekly: { daysOfTheWeek: ['Sunday'], count: 12 } },
  instantRpRetentionRangeInDays: 2,
  timeZone: 'UTC',
};

/** Azure's documented weekly policy: Monday, Wednesday, Thursday at 10:00 Pacific. */
const weeklyPolicy: IaasVmPolicy = {
  name: 'weekly-pacific',
  policyType: 'V1',
  schedule: { kind: 'Weekly', runDays: ['Monday', 'Wednesday', 'Thursday'], runTime: '10:00', timeZone: 'Pacific Standard Time' },
  retention: {
    weekly: { daysOfTheWeek: ['Monday', 'Wednesday', 'Thursday'], count: 1 },
    monthly: { format: 'Weekly', weeksOfTheMonth: ['First', 'Third'], daysOfTheWeek: ['Wednesday', 'Thursday'], count: 2 },
    yearly: { format: 'Weekly', monthsOfYear: ['February', 'November'], weeksOfTheMonth: ['Fourth'], daysOfTheWeek: ['Monday', 'Thursday'], count: 4 },
  },
  instantRpRetentionRangeInDays: 5,
  timeZone: 'Pacific Standard Time',
};

const hourlyPolicy: IaasVmPolicy = {
  name: 'EnhancedPolicy',
  policyType: 'V2',
  schedule: { kind: 'Hourly', intervalHours: 4, windowStartTime: '08:00', windowDurationHours: 12, timeZone: 'India Standard Time' },
  retention: { daily: { count: 30 } },
  instantRpRetentionRangeInDays: 5,
  timeZone: 'Asia/Kolkata',
};

describe('validatePolicy accepts', () => {
  test('a standard daily policy, resolving the Windows id UTC to Etc/UTC in both places', () => {
    assert.deepEqual(validatePolicy(dailyPolicy), { ...dailyPolicy, timeZone: 'Etc/UTC', schedule: { ...dailyPolicy.schedule, timeZone: 'Etc/UTC' } });
  });

  test('Azure\'s weekly example, with both time zones resolved from the Windows id', () => {
    const valid = validatePolicy(weeklyPolicy);
    assert.equal(valid.timeZone, 'America/Los_Angeles');
    assert.equal(valid.schedule.timeZone, 'America/Los_Angeles');
  });

  test('an enhanced (V2) hourly policy whose zones are written two ways for the same place', () => {
    assert.equal(validatePolicy(hourlyPolicy).schedule.timeZone, 'Asia/Kolkata');
  });

  test('a daily schedule on a V2 policy', () => {
    assert.doesNotThrow(() => validatePolicy({ ...dailyPolicy, policyType: 'V2' }));
  });
});

describe('validatePolicy refuses', () => {
  const cases: { name: string; policy: IaasVmPolicy; code: string; detail: RegExp }[] = [
    { name: 'an hourly schedule on a standard (V1) policy', policy: { ...hourlyPolicy, policyType: 'V1' }, code: 'UserErrorInvalidSchedule', detail: /Hourly schedules are not available on V1 policies; hourly schedules need policyType V2/ },
    { name: 'a schedule in another zone than the policy', policy: { ...dailyPolicy, timeZone: 'Europe/Madrid' }, code: 'UserErrorInvalidSchedule', detail: /schedule's time zone Etc\/UTC differs from the policy's Europe\/Madrid/ },
    { name: 'a policy type other than V1 or V2', policy: { ...dailyPolicy, policyType: 'V3' as 'V1' }, code: 'UserErrorInvalidArgument', detail: /one of V1, V2/ },
    { name: 'an empty name', policy: { ...dailyPolicy, name: '' }, code: 'UserErrorInvalidArgument', detail: /1 to 150 letters/ },
    { name: 'a name with a slash', policy: { ...dailyPolicy, name: 'a/b' }, code: 'UserErrorInvalidArgument', detail: /1 to 150 letters/ },
    { name: 'a name of 151 characters', policy: { ...dailyPolicy, name: 'p'.repeat(151) }, code: 'UserErrorInvalidArgument', detail: /1 to 150 letters/ },
    { name: 'a daily schedule without a daily rule', policy: { ...dailyPolicy, retention: { weekly: { daysOfTheWeek: ['Sunday'], count: 4 } } }, code: 'UserErrorInvalidRetention', detail: /Daily schedules need a daily retention rule/ },
    { name: 'an hourly schedule without a daily rule', policy: { ...hourlyPolicy, retention: { weekly: { daysOfTheWeek: ['Sunday'], count: 4 } } }, code: 'UserErrorInvalidRetention', detail: /Hourly schedules need a daily retention rule/ },
    { name: 'a weekly schedule with a daily rule', policy: { ...weeklyPolicy, retention: { ...weeklyPolicy.retention, daily: { count: 7 } } }, code: 'UserErrorInvalidRetention', detail: /Weekly schedules take no daily retention rule/ },
    { name: 'a weekly schedule without a weekly rule', policy: { ...weeklyPolicy, retention: { monthly: weeklyPolicy.retention.monthly } }, code: 'UserErrorInvalidRetention', detail: /Weekly schedules need a weekly retention rule/ },
    { name: 'weekly retention on a day the weekly schedule skips', policy: { ...weeklyPolicy, retention: { weekly: { daysOfTheWeek: ['Sunday'], count: 4 } } }, code: 'UserErrorInvalidRetention', detail: /weekly.daysOfTheWeek has Sunday, a day the Weekly schedule does not run/ },
    { name: 'monthly retention by date on a weekly schedule', policy: { ...weeklyPolicy, retention: { ...weeklyPolicy.retention, monthly: { format: 'Daily', daysOfTheMonth: [1], count: 2 } } }, code: 'UserErrorInvalidRetention', detail: /monthly must use format Weekly/ },
    { name: 'yearly retention on a weekday the weekly schedule skips', policy: { ...weeklyPolicy, retention: { ...weeklyPolicy.retention, yearly: { format: 'Weekly', monthsOfYear: ['May'], weeksOfTheMonth: ['Last'], daysOfTheWeek: ['Friday'], count: 2 } } }, code: 'UserErrorInvalidRetention', detail: /yearly.daysOfTheWeek has Friday/ },
    { name: 'a retention count out of range', policy: { ...dailyPolicy, retention: { daily: { count: 3 } } }, code: 'UserErrorInvalidRetention', detail: /daily.count .* got 3/ },
    { name: 'a bad schedule time', policy: { ...dailyPolicy, schedule: { kind: 'Daily', runTimes: ['22:15'], timeZone: 'UTC' } }, code: 'UserErrorInvalidSchedule', detail: /"22:15" must fall on the hour or the half hour/ },
    { name: 'instant retention of 6 days', policy: { ...dailyPolicy, instantRpRetentionRangeInDays: 6 }, code: 'UserErrorInstantRpRetentionOutOfRange', detail: /from 1 to 5 days; the policy asks for 6/ },
    { name: 'an unknown policy time zone', policy: { ...dailyPolicy, timeZone: 'Atlantis Standard Time' }, code: 'UserErrorInvalidTimeZone', detail: /Atlantis Standard Time is not known/ },
  ];
  for (const { name, policy, code, detail } of cases) {
    test(name, () => {
      assert.throws(() => validatePolicy(policy), (error: { code?: string; message?: string }) => {
        assert.equal(error.code, code);
        assert.match(error.message ?? '', detail);
        return true;
      });
    });
  }
});
