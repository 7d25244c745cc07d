/**
 * A time of day as policies write it, `HH:MM` on a 24-hour clock. Like Azure, Arca schedules runs on
 * the hour or the half hour only.
 */

export interface ClockTime {
  readonly hour: number;
  readonly minute: number;
}

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Why `value` is not a valid schedule time, or undefined. `field` names it in the reason. */
export function clockTimeProblem(field: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return `${field} must be a time of day written HH:MM, such as "22:30"`;
  const match = CLOCK_TIME.exec(value);
  if (!match) return `${field} "${value}" is not a time of day written HH:MM (00:00 to 23:59)`;
  const minute = Number(match[2]);
  if (minute !== 0 && minute !== 30) {
    return `${field} "${value}" must fall on the hour or the half hour (minutes 00 or 30)`;
  }
  return undefined;
}

/** Parses a time already validated by `clockTimeProblem`. */
export function parseClockTime(value: string): ClockTime {
  const [hour = '0', minute = '0'] = value.split(':');
  return { hour: Number(hour), minute: Number(minute) };
}
