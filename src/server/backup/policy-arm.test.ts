import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { policyFromArm, policyToArm } from './policy-arm.ts';

const T = '2024-01-01T22:30:00Z';
const days = (count: number) => ({ retentionTimes: [T], retentionDuration: { count, durationType: 'Days' } });

const v1Daily = {
  backupManagementType: 'AzureIaasVM',
  schedulePolicy: { schedulePolicyType: 'SimpleSchedulePolicy', scheduleRunFrequency: 'Daily', scheduleRunTimes: ['2019-03-01T22:30:00.000Z'], scheduleWeeklyFrequency: 0 },
  retentionPolicy: {
    retentionPolicyType: 'LongTermRetentionPolicy',
    dailySchedule: days(30),
    monthlySchedule: {
      retentionScheduleFormatType: 'Daily',
      retentionScheduleDaily: { daysOfTheMonth: [{ date: 1, isLast: false }, { date: 0, isLast: true }] },
      retentionScheduleWeekly: null,
      retentionTimes: [T],
      retentionDuration: { count: 12, durationType: 'Months' },
    },
  },
  instantRpRetentionRangeInDays: 3,
  timeZone: 'Pacific Standard Time',
};

const v1Weekly = {
  backupManagementType: 'AzureIaasVM',
  schedulePolicy: { schedulePolicyType: 'SimpleSchedulePolicy', scheduleRunFrequency: 'Weekly', scheduleRunDays: ['sunday', 'Wednesday'], scheduleRunTimes: [T] },
  retentionPolicy: {
    retentionPolicyType: 'LongTermRetentionPolicy',
    weeklySchedule: { daysOfTheWeek: ['Sunday'], retentionTimes: [T], retentionDuration: { count: 12, durationType: 'Weeks' } },
    yearlySchedule: {
      retentionScheduleFormatType: 'Weekly',
      monthsOfYear: ['january', 'July'],
      retentionScheduleWeekly: { daysOfTheWeek: ['Sunday'], weeksOfTheMonth: ['First', 'Last'] },
      retentionTimes: [T],
      retentionDuration: { count: 10, durationType: 'Years' },
    },
  },
  timeZone: 'Europe/Madrid',
  policyType: 'V1',
};

const v2Hourly = {
  backupManagementType: 'AzureIaasVM',
  policyType: 'V2',
  schedulePolicy: {
    schedulePolicyType: 'SimpleSchedulePolicyV2',
    scheduleRunFrequency: 'Hourly',
    hourlySchedule: { interval: 4, scheduleWindowStartTime: '2021-12-17T08:00:00Z', scheduleWindowDuration: 16 },
  },
  retentionPolicy: { retentionPolicyType: 'LongTermRetentionPolicy', dailySchedule: days(7) },
  instantRpRetentionRangeInDays: 5,
  timeZone: 'UTC',
};

const v2Weekly = {
  backupManagementType: 'AzureIaasVM',
  schedulePolicy: { schedulePolicyType: 'SimpleSchedulePolicyV2', scheduleRunFrequency: 'Weekly', weeklySchedule: { scheduleRunDays: ['Friday'], scheduleRunTimes: [T] } },
  retentionPolicy: { retentionPolicyType: 'LongTermRetentionPolicy', weeklySchedule: { daysOfTheWeek: ['Friday'], retentionTimes: [T], retentionDuration: { count: 4, durationType: 'Weeks' } } },
};

const v2Daily = {
  backupManagementType: 'AzureIaasVM',
  schedulePolicy: { schedulePolicyType: 'SimpleSchedulePolicyV2', scheduleRunFrequency: 'Daily', dailySchedule: { scheduleRunTimes: [T] } },
  retentionPolicy: { retentionPolicyType: 'LongTermRetentionPolicy', dailySchedule: days(9999) },
};

/** A deep copy of `base` with the value at `path` replaced (or removed, for undefined). */
function patched(base: object, path: readonly string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(base) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    at = (typeof next === 'object' && next !== null ? next : (at[key] = {})) as Record<string, unknown>;
  }
  const last = path.at(-1) as string;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

describe('policy translation between ARM JSON and core policies', () => {
  it('reads a V1 daily policy with a Windows time zone and monthly days including the last one', () => {
    const { policy, timeZoneName } = policyFromArm('daily-1', v1Daily);
    assert.equal(timeZoneName, 'Pacific Standard Time');
    assert.equal(policy.timeZone, 'America/Los_Angeles');
    assert.deepEqual(policy.schedule, { kind: 'Daily', runTimes: ['22:30'], timeZone: 'America/Los_Angeles' });
    assert.equal(policy.policyType, 'V1');
    assert.equal(policy.instantRpRetentionRangeInDays, 3);
    assert.deepEqual(policy.retention.monthly?.daysOfTheMonth, [1, 'Last']);
  });

  it('reads a V1 weekly policy, spelling day and month names canonically', () => {
    const { policy } = policyFromArm('weekly-1', v1Weekly);
    assert.deepEqual(policy.schedule, { kind: 'Weekly', runDays: ['Sunday', 'Wednesday'], runTime: '22:30', timeZone: 'Europe/Madrid' });
    assert.deepEqual(policy.retention.yearly?.monthsOfYear, ['January', 'July']);
    assert.equal(policy.instantRpRetentionRangeInDays, 2, 'the default when the body leaves it out');
  });

  it('reads V2 hourly, daily and weekly schedules, inferring V2 from SimpleSchedulePolicyV2', () => {
    assert.deepEqual(policyFromArm('hourly-1', v2Hourly).policy.schedule, { kind: 'Hourly', intervalHours: 4, windowStartTime: '08:00', windowDurationHours: 16, timeZone: 'Etc/UTC' });
    assert.equal(policyFromArm('daily-2', v2Daily).policy.policyType, 'V2');
    assert.equal(policyFromArm('weekly-2', v2Weekly).policy.schedule.kind, 'Weekly');
  });

  for (const [label, body] of [['V1 daily', v1Daily], ['V1 weekly', v1Weekly], ['V2 hourly', v2Hourly], ['V2 daily', v2Daily], ['V2 weekly', v2Weekly]] as const) {
    it(`writes a ${label} policy back so that reading it again gives the same policy`, () => {
      const first = policyFromArm('p-1', body);
      const wire = policyToArm(first, 0);
      assert.deepEqual(policyFromArm('p-1', wire), first);
      assert.equal(wire.backupManagementType, 'AzureIaasVM');
      assert.equal(wire.protectedItemsCount, 0);
    });
  }

  it('writes retention times equal to the schedule time and V2 schedules in their own sub-object', () => {
    const wire = policyToArm(policyFromArm('hourly-1', v2Hourly), 2) as { schedulePolicy: { hourlySchedule: unknown }; retentionPolicy: { dailySchedule: { retentionTimes: unknown } }; timeZone: string };
    assert.deepEqual(wire.schedulePolicy.hourlySchedule, { interval: 4, scheduleWindowStartTime: '2024-01-01T08:00:00Z', scheduleWindowDuration: 16 });
    assert.deepEqual(wire.retentionPolicy.dailySchedule.retentionTimes, ['2024-01-01T08:00:00Z']);
    assert.equal(wire.timeZone, 'UTC');
  });

  const refusals: [string, Record<string, unknown>, string][] = [
    ['an hourly interval other than 4, 6, 8 or 12', patched(v2Hourly, ['schedulePolicy', 'hourlySchedule', 'interval'], 5), 'UserErrorInvalidSchedule'],
    ['an hourly schedule on a V1 policy', patched(v2Hourly, ['schedulePolicy', 'schedulePolicyType'], 'SimpleSchedulePolicy'), 'UserErrorInvalidSchedule'],
    ['a V2 schedule type on a V1 policy', patched(v2Daily, ['policyType'], 'V1'), 'UserErrorInvalidSchedule'],
    ['a run time off the half hour', patched(v1Daily, ['schedulePolicy', 'scheduleRunTimes'], ['2024-01-01T22:10:00Z']), 'UserErrorInvalidSchedule'],
    ['two run times a day', patched(v1Daily, ['schedulePolicy', 'scheduleRunTimes'], [T, T]), 'UserErrorInvalidSchedule'],
    ['a run time with an offset', patched(v1Daily, ['schedulePolicy', 'scheduleRunTimes'], ['2024-01-01T22:30:00+02:00']), 'UserErrorInvalidSchedule'],
    ['an unknown weekday', patched(v1Weekly, ['schedulePolicy', 'scheduleRunDays'], ['Caturday']), 'UserErrorInvalidSchedule'],
    ['instant restore kept 6 days', patched(v1Daily, ['instantRpRetentionRangeInDays'], 6), 'UserErrorInstantRpRetentionOutOfRange'],
    ['instant restore kept 0 days', patched(v1Daily, ['instantRpRetentionRangeInDays'], 0), 'UserErrorInstantRpRetentionOutOfRange'],
    ['instant restore days as text', patched(v1Daily, ['instantRpRetentionRangeInDays'], '2'), 'UserErrorInstantRpRetentionOutOfRange'],
    ['an unknown time zone', patched(v1Daily, ['timeZone'], 'Mars/Olympus'), 'UserErrorInvalidTimeZone'],
    ['a time zone that is not text', patched(v1Daily, ['timeZone'], 42), 'UserErrorInvalidTimeZone'],
    ['daily retention under 7 days', patched(v1Daily, ['retentionPolicy', 'dailySchedule', 'retentionDuration', 'count'], 3), 'UserErrorInvalidRetention'],
    ['a duration in the wrong unit', patched(v1Daily, ['retentionPolicy', 'dailySchedule', 'retentionDuration', 'durationType'], 'Weeks'), 'UserErrorInvalidRetention'],
    ['a weekly schedule with daily retention', patched(v1Weekly, ['retentionPolicy', 'dailySchedule'], days(30)), 'UserErrorInvalidRetention'],
    ['a simple retention policy', patched(v1Daily, ['retentionPolicy'], { retentionPolicyType: 'SimpleRetentionPolicy' }), 'UserErrorInvalidRetention'],
    ['a monthly day that is not an object', patched(v1Daily, ['retentionPolicy', 'monthlySchedule', 'retentionScheduleDaily', 'daysOfTheMonth'], [3]), 'UserErrorInvalidRetention'],
    ['another backup management type', patched(v1Daily, ['backupManagementType'], 'AzureWorkload'), 'UserErrorInvalidArgument'],
    ['policyType V3', patched(v1Daily, ['policyType'], 'V3'), 'UserErrorInvalidArgument'],
    ['no schedule', patched(v1Daily, ['schedulePolicy'], undefined), 'InvalidRequestContent'],
  ];
  for (const [what, body, code] of refusals) {
    it(`refuses ${what} with ${code}`, () => {
      assert.throws(() => policyFromArm('bad-1', body), (error: unknown) => isArcaError(error) && error.code === code);
    });
  }

  it('answers any junk in any field with a catalog code, never a crash', () => {
    const junk: unknown[] = [null, 7, -1.5, 'x', true, [], {}, [null], [{}], { count: 'x' }, 'x'.repeat(5000)];
    const paths = [
      ['timeZone'], ['policyType'], ['instantRpRetentionRangeInDays'], ['schedulePolicy'], ['schedulePolicy', 'scheduleRunFrequency'],
      ['schedulePolicy', 'scheduleRunTimes'], ['schedulePolicy', 'scheduleRunDays'], ['retentionPolicy'], ['retentionPolicy', 'dailySchedule'],
      ['retentionPolicy', 'monthlySchedule', 'retentionScheduleFormatType'], ['retentionPolicy', 'monthlySchedule', 'retentionScheduleDaily'],
      ['retentionPolicy', 'monthlySchedule', 'retentionDuration'], ['retentionPolicy', 'dailySchedule', 'retentionDuration', 'count'],
    ];
    for (const base of [v1Daily, v1Weekly, v2Hourly]) {
      for (const path of paths) {
        for (const value of junk) {
          const body = patched(base, path, value);
          try {
            policyFromArm('junk-1', body);
          } catch (error) {
            assert.ok(isArcaError(error), `${path.join('.')} = ${JSON.stringify(value)?.slice(0, 30)}: ${String(error)}`);
          }
        }
      }
    }
    for (const body of [null, 'text', 5, []]) assert.throws(() => policyFromArm('junk-1', body), isArcaError);
  });
});
