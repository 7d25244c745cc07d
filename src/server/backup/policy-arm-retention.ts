import {
  MONTHS,
  WEEKDAYS,
  WEEKS_OF_MONTH,
  type DayOfMonth,
  type Month,
  type MonthlyRetention,
  type RetentionFormat,
  type RetentionPolicy,
  type WeekOfMonth,
  type Weekday,
  type YearlyRetention,
} from '../../core/policy/index.ts';
import { dateTimeOf, enumWord, enumWords, optionalObject, policyFail, shortJson } from './policy-arm-values.ts';

/**
 * The retention half of an AzureIaasVM policy on the wire: `LongTermRetentionPolicy` with daily,
 * weekly, monthly and yearly schedules, to and from core's `RetentionPolicy`. `retentionTimes` are
 * written from the schedule's time on output and not read on input: Azure requires them to equal it.
 */
const CODE = 'UserErrorInvalidRetention';
const RETENTION_POLICY_TYPES = ['LongTermRetentionPolicy'] as const;
const FORMATS = ['Daily', 'Weekly'] as const;
const UNITS = { daily: 'Days', weekly: 'Weeks', monthly: 'Months', yearly: 'Years' } as const;
type Rule = keyof typeof UNITS;

export function retentionFromArm(wire: Record<string, unknown>): RetentionPolicy {
  enumWord(wire.retentionPolicyType, RETENTION_POLICY_TYPES, 'retentionPolicy.retentionPolicyType', CODE);
  const daily = optionalObject(wire, 'dailySchedule', 'retentionPolicy.dailySchedule', CODE);
  const weekly = optionalObject(wire, 'weeklySchedule', 'retentionPolicy.weeklySchedule', CODE);
  const monthly = optionalObject(wire, 'monthlySchedule', 'retentionPolicy.monthlySchedule', CODE);
  const yearly = optionalObject(wire, 'yearlySchedule', 'retentionPolicy.yearlySchedule', CODE);
  return {
    ...(daily ? { daily: { count: countOf(daily, 'daily') } } : {}),
    ...(weekly ? { weekly: { daysOfTheWeek: enumWords(weekly.daysOfTheWeek, WEEKDAYS) as Weekday[], count: countOf(weekly, 'weekly') } } : {}),
    ...(monthly ? { monthly: { ...dayPickerFromArm(monthly, 'monthly'), count: countOf(monthly, 'monthly') } } : {}),
    ...(yearly
      ? {
          yearly: {
            ...dayPickerFromArm(yearly, 'yearly'),
            monthsOfYear: enumWords(yearly.monthsOfYear, MONTHS) as Month[],
            count: countOf(yearly, 'yearly'),
          },
        }
      : {}),
  };
}

/** `retentionDuration.count`, checking that `durationType`, when given, is the rule's own unit. */
function countOf(schedule: Record<string, unknown>, rule: Rule): number {
  const path = `retentionPolicy.${rule}Schedule.retentionDuration`;
  const duration = optionalObject(schedule, 'retentionDuration', path, CODE) ?? policyFail(CODE, `${path} is required`);
  if (duration.durationType !== undefined && duration.durationType !== null) {
    const unit = enumWord(duration.durationType, ['Days', 'Weeks', 'Months', 'Years'] as const, `${path}.durationType`, CODE);
    if (unit !== UNITS[rule]) policyFail(CODE, `${path}.durationType must be ${UNITS[rule]} for the ${rule} rule; got ${unit}`);
  }
  return duration.count as number;
}

type DayPicker = Omit<MonthlyRetention, 'count'>;

function dayPickerFromArm(schedule: Record<string, unknown>, rule: 'monthly' | 'yearly'): DayPicker {
  const path = `retentionPolicy.${rule}Schedule`;
  const format: RetentionFormat = enumWord(schedule.retentionScheduleFormatType, FORMATS, `${path}.retentionScheduleFormatType`, CODE);
  if (format === 'Daily') {
    const daily = optionalObject(schedule, 'retentionScheduleDaily', `${path}.retentionScheduleDaily`, CODE);
    return { format, daysOfTheMonth: daysFromArm(daily?.daysOfTheMonth, `${path}.retentionScheduleDaily.daysOfTheMonth`) };
  }
  const weekly = optionalObject(schedule, 'retentionScheduleWeekly', `${path}.retentionScheduleWeekly`, CODE);
  return {
    format,
    weeksOfTheMonth: enumWords(weekly?.weeksOfTheMonth, WEEKS_OF_MONTH) as WeekOfMonth[],
    daysOfTheWeek: enumWords(weekly?.daysOfTheWeek, WEEKDAYS) as Weekday[],
  };
}

/** `{date, isLast}` → a date of the month or `Last`. */
function daysFromArm(value: unknown, path: string): DayOfMonth[] {
  if (!Array.isArray(value)) policyFail(CODE, `${path} must list at least one day`);
  return value.map((day: unknown, index) => {
    if (typeof day !== 'object' || day === null || Array.isArray(day)) policyFail(CODE, `${path}[${index}] must be an object {date, isLast}; got ${shortJson(day)}`);
    const { date, isLast } = day as { date?: unknown; isLast?: unknown };
    if (isLast === true) return 'Last';
    return date as number;
  });
}

const duration = (count: number, rule: Rule) => ({ count, durationType: UNITS[rule] });

export function retentionToArm(retention: RetentionPolicy, clock: string): Record<string, unknown> {
  const retentionTimes = [dateTimeOf(clock)];
  const { daily, weekly, monthly, yearly } = retention;
  return {
    retentionPolicyType: 'LongTermRetentionPolicy',
    ...(daily ? { dailySchedule: { retentionTimes, retentionDuration: duration(daily.count, 'daily') } } : {}),
    ...(weekly ? { weeklySchedule: { daysOfTheWeek: [...weekly.daysOfTheWeek], retentionTimes, retentionDuration: duration(weekly.count, 'weekly') } } : {}),
    ...(monthly ? { monthlySchedule: { ...dayPickerToArm(monthly), retentionTimes, retentionDuration: duration(monthly.count, 'monthly') } } : {}),
    ...(yearly
      ? { yearlySchedule: { ...dayPickerToArm(yearly), monthsOfYear: [...yearly.monthsOfYear], retentionTimes, retentionDuration: duration(yearly.count, 'yearly') } }
      : {}),
  };
}

function dayPickerToArm(picker: DayPicker | YearlyRetention): Record<string, unknown> {
  if (picker.format === 'Daily') {
    const days = (picker.daysOfTheMonth ?? []).map((day) => (day === 'Last' ? { date: 0, isLast: true } : { date: day, isLast: false }));
    return { retentionScheduleFormatType: 'Daily', retentionScheduleDaily: { daysOfTheMonth: days } };
  }
  return {
    retentionScheduleFormatType: 'Weekly',
    retentionScheduleWeekly: { daysOfTheWeek: [...(picker.daysOfTheWeek ?? [])], weeksOfTheMonth: [...(picker.weeksOfTheMonth ?? [])] },
  };
}
