import { invalidArgument } from '../errors/index.ts';
import { MONTHS, WEEKDAYS, WEEKS_OF_MONTH } from './calendar-names.ts';
import {
  dayNumber,
  daysInMonth,
  formatDate,
  formatIsoWeek,
  formatMonth,
  isoWeekStart,
  weekdayIndex,
  type CivilDate,
} from './civil-date.ts';
import { validateRetention, type MonthlyRetention, type RetentionPolicy } from './retention-policy.ts';
import { resolveTimeZone } from './time-zone.ts';
import { toZoned } from './wall-clock.ts';

/**
 * Which recovery points a long-term retention keeps, decided like restic's `forget`: a point stays
 * when any rule keeps it, and every kept point lists each reason it is kept.
 *
 * Semantics (all calendar reckoning in the policy's time zone; "today" is `now`'s date there):
 * - A day is represented by its newest point: rules only ever keep the last point taken on a day,
 *   the way Azure tags the day's scheduled backup. Other points of that day are removed unless they
 *   are the latest or in the future.
 * - daily N: the representative of each of the N calendar days ending today (today, yesterday, …),
 *   days without points included in the N. Reason `daily 2026-11-20`.
 * - weekly N: the representative of every listed weekday in each of the N ISO weeks (Monday to
 *   Sunday) ending with the current one. Reason `weekly 2026-W47`.
 * - monthly N: in each of the N calendar months ending with the current one, the representative of
 *   every picked day. Format `Daily` picks dates (`Last` = 28, 29, 30 or 31 as the month has);
 *   format `Weekly` picks each listed weekday in each listed week, where First…Fourth are days 1–7,
 *   8–14, 15–21, 22–28 and Last is the last seven days of the month. Reason `monthly 2026-11`.
 * - yearly N: likewise in the listed months of each of the N calendar years ending with the current
 *   one. Reason `yearly 2026`.
 * - The newest point not after `now` is always kept, reason `latest`, so cleanup never leaves an item
 *   without a recovery point.
 * - Points after `now` are kept with the single reason `future` and take no part in the rules.
 * Unlike Azure, which expires a point a fixed time after it was taken, the windows are calendar
 * periods: a daily point leaves when its day falls out of the N days, whatever hour it was taken.
 *
 * Both lists come newest first; points taken at the same instant are ordered by id, so the result
 * depends on nothing but the input.
 */

export interface RetentionCandidate {
  readonly id: string;
  readonly time: Date;
}

export interface KeptPoint {
  readonly id: string;
  readonly reasons: readonly string[];
}

export interface RetentionDecision {
  readonly keep: readonly KeptPoint[];
  readonly remove: readonly { readonly id: string }[];
}

export interface RetentionContext {
  readonly retention: RetentionPolicy;
  readonly timeZone: string;
}

export function applyRetention(
  points: readonly RetentionCandidate[],
  policy: RetentionContext,
  now: Date,
): RetentionDecision {
  if (Number.isNaN(now.getTime())) throw invalidArgument('now', 'it is not a valid date');
  const retention = validateRetention(policy.retention);
  const zone = resolveTimeZone(policy.timeZone);
  const today = toZoned(now, zone);
  const keep: KeptPoint[] = [];
  const remove: { id: string }[] = [];
  const daysSeen = new Set<number>();
  let latestFound = false;
  for (const point of newestFirst(points)) {
    const reasons: string[] = [];
    if (point.time.getTime() > now.getTime()) {
      reasons.push('future');
    } else {
      if (!latestFound) reasons.push('latest');
      latestFound = true;
      const date = toZoned(point.time, zone);
      const day = dayNumber(date);
      if (!daysSeen.has(day)) {
        daysSeen.add(day);
        reasons.push(...ruleReasons(retention, date, today));
      }
    }
    if (reasons.length > 0) keep.push({ id: point.id, reasons });
    else remove.push({ id: point.id });
  }
  return { keep, remove };
}

function newestFirst(points: readonly RetentionCandidate[]): RetentionCandidate[] {
  const ids = new Set<string>();
  for (const point of points) {
    if (ids.has(point.id)) throw invalidArgument('points', `the id ${point.id} appears more than once`);
    ids.add(point.id);
    if (!(point.time instanceof Date) || Number.isNaN(point.time.getTime())) {
      throw invalidArgument('points', `point ${point.id} has no valid time`);
    }
  }
  return points.toSorted(
    (a, b) => b.time.getTime() - a.time.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** Reasons the rules keep the representative point of `date`. */
function ruleReasons(retention: RetentionPolicy, date: CivilDate, today: CivilDate): string[] {
  const reasons: string[] = [];
  const { daily, weekly, monthly, yearly } = retention;
  if (daily && dayNumber(today) - dayNumber(date) < daily.count) {
    reasons.push(`daily ${formatDate(date)}`);
  }
  if (
    weekly &&
    weekly.daysOfTheWeek.includes(weekdayName(date)) &&
    (isoWeekStart(today) - isoWeekStart(date)) / 7 < weekly.count
  ) {
    reasons.push(`weekly ${formatIsoWeek(date)}`);
  }
  if (monthly && picksDay(monthly, date) && monthIndex(today) - monthIndex(date) < monthly.count) {
    reasons.push(`monthly ${formatMonth(date)}`);
  }
  if (
    yearly &&
    yearly.monthsOfYear.includes(monthName(date)) &&
    picksDay(yearly, date) &&
    today.year - date.year < yearly.count
  ) {
    reasons.push(`yearly ${String(date.year).padStart(4, '0')}`);
  }
  return reasons;
}

/** Whether a monthly or yearly rule's day picker selects `date` within its month. */
export function picksDay(picker: Omit<MonthlyRetention, 'count'>, date: CivilDate): boolean {
  const lastDay = daysInMonth(date.year, date.month);
  if (picker.format === 'Daily') {
    const days = picker.daysOfTheMonth ?? [];
    return days.includes(date.day) || (date.day === lastDay && days.includes('Last'));
  }
  if (!(picker.daysOfTheWeek ?? []).includes(weekdayName(date))) return false;
  const weeks = picker.weeksOfTheMonth ?? [];
  const ordinal = WEEKS_OF_MONTH[Math.ceil(date.day / 7) - 1];
  return (ordinal !== undefined && ordinal !== 'Last' && weeks.includes(ordinal)) ||
    (date.day + 7 > lastDay && weeks.includes('Last'));
}

const weekdayName = (date: CivilDate) => WEEKDAYS[weekdayIndex(date)] ?? 'Sunday';
const monthName = (date: CivilDate) => MONTHS[date.month - 1] ?? 'January';
const monthIndex = (date: CivilDate) => date.year * 12 + date.month - 1;
