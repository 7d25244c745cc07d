/** The closed sets of names Azure's policy JSON uses for days, weeks of a month and months. */

/** Index = `weekdayIndex` (0 = Sunday), as in Azure's DayOfWeek. */
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const WEEKS_OF_MONTH = ['First', 'Second', 'Third', 'Fourth', 'Last'] as const;
export type WeekOfMonth = (typeof WEEKS_OF_MONTH)[number];

/** Index + 1 = month number. */
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;
export type Month = (typeof MONTHS)[number];

export function isWeekday(value: unknown): value is Weekday {
  return (WEEKDAYS as readonly unknown[]).includes(value);
}

export function isWeekOfMonth(value: unknown): value is WeekOfMonth {
  return (WEEKS_OF_MONTH as readonly unknown[]).includes(value);
}

export function isMonth(value: unknown): value is Month {
  return (MONTHS as readonly unknown[]).includes(value);
}

/**
 * Checks a list of names from a closed set: present, non-empty, every item known, none repeated.
 * Returns the reason it fails, or undefined. `field` names the list in the reason.
 */
export function nameListProblem(
  field: string,
  values: unknown,
  known: readonly string[],
  kind: string,
): string | undefined {
  if (!Array.isArray(values) || values.length === 0) return `${field} must list at least one ${kind}`;
  const seen = new Set<unknown>();
  for (const value of values) {
    if (!known.includes(value as string)) {
      return `${field} has ${JSON.stringify(value)}, which is not a ${kind} (${known.join(', ')})`;
    }
    if (seen.has(value)) return `${field} lists ${String(value)} more than once`;
    seen.add(value);
  }
  return undefined;
}
