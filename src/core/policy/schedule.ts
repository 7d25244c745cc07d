import { ArcaError } from '../errors/index.ts';
import { WEEKDAYS, nameListProblem, type Weekday } from './calendar-names.ts';
import { clockTimeProblem } from './clock-time.ts';
import { resolveTimeZone } from './time-zone.ts';

/**
 * When an AzureIaasVM policy takes its scheduled backups, shaped like Azure's SimpleSchedulePolicy
 * (Daily, Weekly) and SimpleSchedulePolicyV2 (Hourly). Times are wall-clock times in `timeZone`.
 */

export const SCHEDULE_KINDS = ['Daily', 'Weekly', 'Hourly'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export const HOURLY_INTERVALS = [4, 6, 8, 12] as const;
export type HourlyInterval = (typeof HOURLY_INTERVALS)[number];

/** Bounds of an hourly schedule's window, in hours, as Azure accepts them. */
export const HOURLY_WINDOW_HOURS = { min: 4, max: 24 } as const;

export interface DailySchedule {
  readonly kind: 'Daily';
  /** Exactly one `HH:MM`: the standard policy takes one scheduled backup a day. */
  readonly runTimes: readonly string[];
  readonly timeZone: string;
}

export interface WeeklySchedule {
  readonly kind: 'Weekly';
  readonly runDays: readonly Weekday[];
  readonly runTime: string;
  readonly timeZone: string;
}

export interface HourlySchedule {
  readonly kind: 'Hourly';
  readonly intervalHours: HourlyInterval;
  /** Start of the daily window, `HH:MM`. */
  readonly windowStartTime: string;
  /** Whole hours, 4–24; the window may run past midnight. */
  readonly windowDurationHours: number;
  readonly timeZone: string;
}

export type Schedule = DailySchedule | WeeklySchedule | HourlySchedule;

function invalid(reason: string): ArcaError {
  return new ArcaError('UserErrorInvalidSchedule', { reason });
}

/**
 * Returns the schedule normalised — time zone resolved to its IANA name, run days in week order — or
 * throws `UserErrorInvalidSchedule` (`UserErrorInvalidTimeZone` for the zone) naming the first problem.
 */
export function validateSchedule(schedule: Schedule): Schedule {
  if (schedule === null || typeof schedule !== 'object') throw invalid('the schedule must be an object');
  switch (schedule.kind) {
    case 'Daily': {
      const runTime = checkDaily(schedule);
      return { kind: 'Daily', runTimes: [runTime], timeZone: resolveTimeZone(schedule.timeZone) };
    }
    case 'Weekly': {
      const runDays = checkWeekly(schedule);
      return { kind: 'Weekly', runDays, runTime: schedule.runTime, timeZone: resolveTimeZone(schedule.timeZone) };
    }
    case 'Hourly':
      checkHourly(schedule);
      return {
        kind: 'Hourly',
        intervalHours: schedule.intervalHours,
        windowStartTime: schedule.windowStartTime,
        windowDurationHours: schedule.windowDurationHours,
        timeZone: resolveTimeZone(schedule.timeZone),
      };
    default:
      throw invalid(
        `kind ${JSON.stringify((schedule as { kind?: unknown }).kind)} is not one of ${SCHEDULE_KINDS.join(', ')}`,
      );
  }
}

function checkDaily(schedule: DailySchedule): string {
  const { runTimes } = schedule;
  if (!Array.isArray(runTimes) || runTimes.length !== 1) {
    const count = Array.isArray(runTimes) ? runTimes.length : 0;
    throw invalid(`runTimes must hold exactly one time for a daily schedule; it holds ${count}`);
  }
  const problem = clockTimeProblem('runTimes[0]', runTimes[0]);
  if (problem) throw invalid(problem);
  return runTimes[0] as string;
}

function checkWeekly(schedule: WeeklySchedule): Weekday[] {
  const problem =
    nameListProblem('runDays', schedule.runDays, WEEKDAYS, 'day of the week') ??
    clockTimeProblem('runTime', schedule.runTime);
  if (problem) throw invalid(problem);
  return WEEKDAYS.filter((day) => schedule.runDays.includes(day));
}

function checkHourly(schedule: HourlySchedule): void {
  if (!(HOURLY_INTERVALS as readonly unknown[]).includes(schedule.intervalHours)) {
    throw invalid(`intervalHours ${String(schedule.intervalHours)} is not one of ${HOURLY_INTERVALS.join(', ')}`);
  }
  const problem = clockTimeProblem('windowStartTime', schedule.windowStartTime);
  if (problem) throw invalid(problem);
  const duration = schedule.windowDurationHours;
  if (typeof duration !== 'number' || !Number.isInteger(duration)) {
    throw invalid(`windowDurationHours must be a whole number of hours; got ${String(duration)}`);
  }
  if (duration < HOURLY_WINDOW_HOURS.min) {
    throw invalid(`windowDurationHours ${duration} is too short; the window lasts at least ${HOURLY_WINDOW_HOURS.min} hours`);
  }
  if (duration > HOURLY_WINDOW_HOURS.max) {
    throw invalid(`windowDurationHours ${duration} is too long; the window lasts at most ${HOURLY_WINDOW_HOURS.max} hours`);
  }
}

/**
 * Scheduled backups on a day the schedule runs, ignoring clock changes: 1 for daily and weekly
 * schedules, and for hourly ones the slots that start inside the window. Rules use it, for example
 * "the standard policy takes one scheduled backup a day".
 */
export function runsPerDay(schedule: Schedule): number {
  switch (schedule.kind) {
    case 'Daily':
      return schedule.runTimes.length;
    case 'Weekly':
      return 1;
    case 'Hourly':
      return Math.ceil(schedule.windowDurationHours / schedule.intervalHours);
  }
}
