import { WEEKDAYS, type HourlyInterval, type PolicyType, type Schedule, type Weekday } from '../../core/policy/index.ts';
import { clockOf, dateTimeOf, enumWord, enumWords, policyFail, requiredObject, singleClock } from './policy-arm-values.ts';

/**
 * The schedule half of an AzureIaasVM policy on the wire: `SimpleSchedulePolicy` (V1: Daily, Weekly)
 * and `SimpleSchedulePolicyV2` (V2: Hourly, Daily, Weekly), to and from core's `Schedule`. Values are
 * only shaped here; core's validatePolicy judges them.
 */
export const SCHEDULE_POLICY_TYPES = ['SimpleSchedulePolicy', 'SimpleSchedulePolicyV2'] as const;
export type SchedulePolicyType = (typeof SCHEDULE_POLICY_TYPES)[number];

const WIRE_TYPE: Readonly<Record<PolicyType, SchedulePolicyType>> = { V1: 'SimpleSchedulePolicy', V2: 'SimpleSchedulePolicyV2' };
const FREQUENCIES = ['Daily', 'Weekly', 'Hourly'] as const;
const CODE = 'UserErrorInvalidSchedule';

/** The policy type a schedule object implies, for bodies that leave `policyType` out. */
export function policyTypeOfSchedule(schedulePolicy: Record<string, unknown>): PolicyType {
  const type = enumWord(schedulePolicy.schedulePolicyType, SCHEDULE_POLICY_TYPES, 'schedulePolicy.schedulePolicyType', CODE);
  return type === 'SimpleSchedulePolicyV2' ? 'V2' : 'V1';
}

/** Reads `schedulePolicy` for a policy of `policyType` in zone `timeZone` (the name as given). */
export function scheduleFromArm(schedulePolicy: Record<string, unknown>, policyType: PolicyType, timeZone: string): Schedule {
  const type = enumWord(schedulePolicy.schedulePolicyType, SCHEDULE_POLICY_TYPES, 'schedulePolicy.schedulePolicyType', CODE);
  if (type !== WIRE_TYPE[policyType]) {
    policyFail(CODE, `a ${policyType} policy takes a schedulePolicy of type ${WIRE_TYPE[policyType]}, not ${type}`);
  }
  const frequency = enumWord(schedulePolicy.scheduleRunFrequency, FREQUENCIES, 'schedulePolicy.scheduleRunFrequency', CODE);
  return type === 'SimpleSchedulePolicy' ? fromV1(schedulePolicy, frequency, timeZone) : fromV2(schedulePolicy, frequency, timeZone);
}

function fromV1(wire: Record<string, unknown>, frequency: (typeof FREQUENCIES)[number], timeZone: string): Schedule {
  const path = 'schedulePolicy';
  switch (frequency) {
    case 'Daily':
      return { kind: 'Daily', runTimes: [singleClock(wire.scheduleRunTimes, `${path}.scheduleRunTimes`, CODE)], timeZone };
    case 'Weekly':
      return {
        kind: 'Weekly',
        runDays: enumWords(wire.scheduleRunDays, WEEKDAYS) as Weekday[],
        runTime: singleClock(wire.scheduleRunTimes, `${path}.scheduleRunTimes`, CODE),
        timeZone,
      };
    case 'Hourly':
      return policyFail(CODE, 'hourly schedules need policyType V2 and a schedulePolicy of type SimpleSchedulePolicyV2');
  }
}

function fromV2(wire: Record<string, unknown>, frequency: (typeof FREQUENCIES)[number], timeZone: string): Schedule {
  switch (frequency) {
    case 'Daily': {
      const daily = requiredObject(wire, 'dailySchedule', 'schedulePolicy.dailySchedule', CODE);
      return { kind: 'Daily', runTimes: [singleClock(daily.scheduleRunTimes, 'schedulePolicy.dailySchedule.scheduleRunTimes', CODE)], timeZone };
    }
    case 'Weekly': {
      const weekly = requiredObject(wire, 'weeklySchedule', 'schedulePolicy.weeklySchedule', CODE);
      return {
        kind: 'Weekly',
        runDays: enumWords(weekly.scheduleRunDays, WEEKDAYS) as Weekday[],
        runTime: singleClock(weekly.scheduleRunTimes, 'schedulePolicy.weeklySchedule.scheduleRunTimes', CODE),
        timeZone,
      };
    }
    case 'Hourly': {
      const hourly = requiredObject(wire, 'hourlySchedule', 'schedulePolicy.hourlySchedule', CODE);
      return {
        kind: 'Hourly',
        intervalHours: hourly.interval as HourlyInterval,
        windowStartTime: clockOf(hourly.scheduleWindowStartTime, 'schedulePolicy.hourlySchedule.scheduleWindowStartTime', CODE),
        windowDurationHours: hourly.scheduleWindowDuration as number,
        timeZone,
      };
    }
  }
}

/** The clock time retention rules are written with: the run time, or the start of the hourly window. */
export function scheduleClock(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'Daily':
      return schedule.runTimes[0] ?? '00:00';
    case 'Weekly':
      return schedule.runTime;
    case 'Hourly':
      return schedule.windowStartTime;
  }
}

export function scheduleToArm(schedule: Schedule, policyType: PolicyType): Record<string, unknown> {
  const times = [dateTimeOf(scheduleClock(schedule))];
  if (policyType === 'V1') {
    return {
      schedulePolicyType: WIRE_TYPE.V1,
      scheduleRunFrequency: schedule.kind,
      ...(schedule.kind === 'Weekly' ? { scheduleRunDays: [...schedule.runDays] } : {}),
      scheduleRunTimes: times,
      scheduleWeeklyFrequency: 0,
    };
  }
  const base = { schedulePolicyType: WIRE_TYPE.V2, scheduleRunFrequency: schedule.kind };
  switch (schedule.kind) {
    case 'Daily':
      return { ...base, dailySchedule: { scheduleRunTimes: times } };
    case 'Weekly':
      return { ...base, weeklySchedule: { scheduleRunDays: [...schedule.runDays], scheduleRunTimes: times } };
    case 'Hourly':
      return {
        ...base,
        hourlySchedule: { interval: schedule.intervalHours, scheduleWindowStartTime: times[0], scheduleWindowDuration: schedule.windowDurationHours },
      };
  }
}
