import { ArcaError } from '../errors/index.ts';
import {
  MONTHS,
  WEEKDAYS,
  WEEKS_OF_MONTH,
  nameListProblem,
  type Month,
  type WeekOfMonth,
  type Weekday,
} from './calendar-names.ts';

/**
 * Long-term retention, shaped like Azure's LongTermRetentionPolicy: how many days, weeks, months and
 * years of recovery points the vault keeps. What each rule keeps is decided in retention.ts.
 */

/** Limits on each rule's `count`, as Azure sets them for AzureIaasVM policies. */
export const RETENTION_LIMITS = {
  daily: { min: 7, max: 9999 },
  weekly: { min: 1, max: 5163 },
  monthly: { min: 1, max: 1188 },
  yearly: { min: 1, max: 99 },
} as const;

export const RETENTION_FORMATS = ['Daily', 'Weekly'] as const;
/** How a monthly or yearly rule picks its day: by date (`Daily`) or by weekday of a week (`Weekly`). */
export type RetentionFormat = (typeof RETENTION_FORMATS)[number];

/** A date of the month; only 1–28 exist in every month, so later days are asked for as `Last`. */
export type DayOfMonth = number | 'Last';

export interface DailyRetention {
  /** Days. */
  readonly count: number;
}

export interface WeeklyRetention {
  readonly daysOfTheWeek: readonly Weekday[];
  /** Weeks. */
  readonly count: number;
}

export interface MonthlyRetention {
  readonly format: RetentionFormat;
  /** With format `Daily`. */
  readonly daysOfTheMonth?: readonly DayOfMonth[];
  /** With format `Weekly`, together with `daysOfTheWeek`: every listed weekday of every listed week. */
  readonly weeksOfTheMonth?: readonly WeekOfMonth[];
  readonly daysOfTheWeek?: readonly Weekday[];
  /** Months. */
  readonly count: number;
}

export interface YearlyRetention extends Omit<MonthlyRetention, 'count'> {
  readonly monthsOfYear: readonly Month[];
  /** Years. */
  readonly count: number;
}

export interface RetentionPolicy {
  readonly daily?: DailyRetention;
  readonly weekly?: WeeklyRetention;
  readonly monthly?: MonthlyRetention;
  readonly yearly?: YearlyRetention;
}

export type RetentionRuleName = keyof typeof RETENTION_LIMITS;

function invalid(reason: string): ArcaError {
  return new ArcaError('UserErrorInvalidRetention', { reason });
}

/** Returns the policy unchanged, or throws `UserErrorInvalidRetention` naming the first problem. */
export function validateRetention(retention: RetentionPolicy): RetentionPolicy {
  if (retention === null || typeof retention !== 'object') throw invalid('the retention must be an object');
  const { daily, weekly, monthly, yearly } = retention;
  if (!daily && !weekly && !monthly && !yearly) throw invalid('at least one of daily, weekly, monthly or yearly is needed');
  const problem =
    (daily && countProblem('daily', daily.count)) ??
    (weekly &&
      (nameListProblem('weekly.daysOfTheWeek', weekly.daysOfTheWeek, WEEKDAYS, 'day of the week') ??
        countProblem('weekly', weekly.count))) ??
    (monthly && (dayPickerProblem('monthly', monthly) ?? countProblem('monthly', monthly.count))) ??
    (yearly &&
      (nameListProblem('yearly.monthsOfYear', yearly.monthsOfYear, MONTHS, 'month') ??
        dayPickerProblem('yearly', yearly) ??
        countProblem('yearly', yearly.count)));
  if (problem) throw invalid(problem);
  return retention;
}

function countProblem(rule: RetentionRuleName, count: unknown): string | undefined {
  const { min, max } = RETENTION_LIMITS[rule];
  const unit = { daily: 'days', weekly: 'weeks', monthly: 'months', yearly: 'years' }[rule];
  if (typeof count !== 'number' || !Number.isInteger(count) || count < min || count > max) {
    return `${rule}.count must be a whole number of ${unit} from ${min} to ${max}; got ${String(count)}`;
  }
  return undefined;
}

const isEmpty = (list: readonly unknown[] | undefined): boolean => list === undefined || list.length === 0;

/** The day-picking half shared by monthly and yearly rules. */
function dayPickerProblem(rule: 'monthly' | 'yearly', picker: Omit<MonthlyRetention, 'count'>): string | undefined {
  if (picker.format === 'Daily') {
    if (!isEmpty(picker.weeksOfTheMonth) || !isEmpty(picker.daysOfTheWeek)) {
      return `${rule} with format Daily picks days with daysOfTheMonth only, not weeksOfTheMonth or daysOfTheWeek`;
    }
    return daysOfMonthProblem(`${rule}.daysOfTheMonth`, picker.daysOfTheMonth);
  }
  if (picker.format === 'Weekly') {
    if (!isEmpty(picker.daysOfTheMonth)) {
      return `${rule} with format Weekly picks days with weeksOfTheMonth and daysOfTheWeek, not daysOfTheMonth`;
    }
    return (
      nameListProblem(`${rule}.weeksOfTheMonth`, picker.weeksOfTheMonth, WEEKS_OF_MONTH, 'week of the month') ??
      nameListProblem(`${rule}.daysOfTheWeek`, picker.daysOfTheWeek, WEEKDAYS, 'day of the week')
    );
  }
  return `${rule}.format ${JSON.stringify(picker.format)} is not one of ${RETENTION_FORMATS.join(', ')}`;
}

function daysOfMonthProblem(field: string, days: readonly DayOfMonth[] | undefined): string | undefined {
  if (!Array.isArray(days) || days.length === 0) return `${field} must list at least one day`;
  const seen = new Set<DayOfMonth>();
  for (const day of days) {
    const valid = day === 'Last' || (typeof day === 'number' && Number.isInteger(day) && day >= 1 && day <= 28);
    if (!valid) return `${field} has ${JSON.stringify(day)}; days are 1 to 28, or "Last" for the month's last day`;
    if (seen.has(day)) return `${field} lists ${String(day)} more than once`;
    seen.add(day);
  }
  return undefined;
}
