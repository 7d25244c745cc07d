/**
 * Calendar arithmetic on dates without a time zone (proleptic Gregorian), done through UTC so that no
 * local clock or zone rule can leak in. A day number counts days since 1970-01-01.
 */

export interface CivilDate {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  /** 1–31 */
  readonly day: number;
}

const MS_PER_DAY = 86_400_000;

function utcMidnight(year: number, month: number, day: number): number {
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

export function dayNumber(date: CivilDate): number {
  return Math.round(utcMidnight(date.year, date.month, date.day) / MS_PER_DAY);
}

export function fromDayNumber(days: number): CivilDate {
  const date = new Date(days * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

export function addDays(date: CivilDate, days: number): CivilDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** 0 = Sunday … 6 = Saturday, the order of Azure's DayOfWeek. */
export function weekdayIndex(date: CivilDate): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

export function daysInMonth(year: number, month: number): number {
  return new Date(utcMidnight(year, month + 1, 0)).getUTCDate();
}

/** Day number of the Monday that starts the ISO week holding `date`. */
export function isoWeekStart(date: CivilDate): number {
  const daysSinceMonday = (weekdayIndex(date) + 6) % 7;
  return dayNumber(date) - daysSinceMonday;
}

/** ISO-8601 week: weeks start on Monday and belong to the year that holds their Thursday. */
export function isoWeek(date: CivilDate): { readonly year: number; readonly week: number } {
  const thursday = fromDayNumber(isoWeekStart(date) + 3);
  const firstOfYear = dayNumber({ year: thursday.year, month: 1, day: 1 });
  return { year: thursday.year, week: Math.floor((dayNumber(thursday) - firstOfYear) / 7) + 1 };
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** `2026-11-20` */
export function formatDate(date: CivilDate): string {
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

/** `2026-W47` */
export function formatIsoWeek(date: CivilDate): string {
  const { year, week } = isoWeek(date);
  return `${pad(year, 4)}-W${pad(week)}`;
}

/** `2026-11` */
export function formatMonth(date: CivilDate): string {
  return `${pad(date.year, 4)}-${pad(date.month)}`;
}
