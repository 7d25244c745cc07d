import { ArcaError, invalidArgument } from '../errors/index.ts';
import { WEEKDAYS } from './calendar-names.ts';
import { addDays, weekdayIndex, type CivilDate } from './civil-date.ts';
import { parseClockTime } from './clock-time.ts';
import { validateSchedule, type Schedule } from './schedule.ts';
import { toInstant, toZoned, type LocalDateTime } from './wall-clock.ts';

/**
 * When the next scheduled backup starts.
 *
 * Semantics:
 * - Slots are wall-clock times in the schedule's zone. Daily: the run time every day. Weekly: the run
 *   time on each run day. Hourly: `windowStart`, `windowStart + interval`, … for every start that lies
 *   in [windowStart, windowStart + duration) counted on the wall clock from each day's window start;
 *   a window may run past midnight, and its late slots then fall on the next calendar day.
 * - Clock changes keep the wall-clock time: a 10:00 backup stays at 10:00 on both sides of a change,
 *   so the gap between two runs can be 23 or 25 hours. A slot in a spring-forward gap (02:30 that
 *   never happens) runs at the first instant after the gap (03:00); a slot in a fall-back overlap
 *   (02:30 twice) runs once, at its first occurrence.
 * - The result is the first slot strictly after `max(now, lastRun)`. `lastRun` only matters when it is
 *   later than `now` (the clock stepped back after a run): it stops the same slot from running twice.
 * - Missed slots are not made up: however long ago `lastRun` was, the result is the next slot still
 *   to come, never one in the past, so a server that was down does not start a storm of catch-up
 *   backups. A slot exactly at `now` counts as taken; the scheduler fires at the instant this returns.
 */
export function nextRun(schedule: Schedule, lastRun: Date | undefined, now: Date): Date {
  if (Number.isNaN(now.getTime())) throw invalidArgument('now', 'it is not a valid date');
  if (lastRun !== undefined && Number.isNaN(lastRun.getTime())) {
    throw invalidArgument('lastRun', 'it is not a valid date');
  }
  const valid = validateSchedule(schedule);
  const after = Math.max(now.getTime(), lastRun?.getTime() ?? Number.NEGATIVE_INFINITY);
  const today = toZoned(new Date(after), valid.timeZone);
  let best: number | undefined;
  // Yesterday's hourly window can spill into today; a weekly slot can be a week away, plus a day of
  // margin for a clock change.
  for (let offset = -1; offset <= 8; offset++) {
    for (const slot of slotsOn(valid, addDays(today, offset))) {
      const at = toInstant(slot, valid.timeZone).getTime();
      if (at > after && (best === undefined || at < best)) best = at;
    }
  }
  if (best === undefined) throw new ArcaError('UserErrorInvalidSchedule', { reason: 'the schedule never runs' });
  return new Date(best);
}

/**
 * Wall-clock start times that belong to `day`'s schedule, in order. Hourly slots past midnight carry
 * the next day's date.
 */
export function slotsOn(schedule: Schedule, day: CivilDate): LocalDateTime[] {
  switch (schedule.kind) {
    case 'Daily':
      return schedule.runTimes.map((time) => slotAt(day, 0, time));
    case 'Weekly': {
      const weekday = WEEKDAYS[weekdayIndex(day)];
      return weekday !== undefined && schedule.runDays.includes(weekday) ? [slotAt(day, 0, schedule.runTime)] : [];
    }
    case 'Hourly': {
      const slots: LocalDateTime[] = [];
      for (let hours = 0; hours < schedule.windowDurationHours; hours += schedule.intervalHours) {
        slots.push(slotAt(day, hours * 60, schedule.windowStartTime));
      }
      return slots;
    }
  }
}

/** `time` on `day`, plus `extraMinutes` of wall-clock time (rolling over into later days). */
function slotAt(day: CivilDate, extraMinutes: number, time: string): LocalDateTime {
  const { hour, minute } = parseClockTime(time);
  const total = hour * 60 + minute + extraMinutes;
  const date = addDays(day, Math.floor(total / 1440));
  const ofDay = total % 1440;
  return { ...date, hour: Math.floor(ofDay / 60), minute: ofDay % 60 };
}
