import { nextRun, slotsOn, toInstant, toZoned, validateSchedule, type Schedule } from '../../core/policy/index.ts';

const DAY_MS = 86_400_000;
/** A weekly schedule runs at least once in any eight days, clock changes included. */
const LOOK_BACK_DAYS = 9;

/** The newest slot of the schedule at or before `now` (within the last nine days), or undefined. */
export function latestSlot(schedule: Schedule, now: Date): Date | undefined {
  const valid = validateSchedule(schedule);
  const today = toZoned(now, valid.timeZone);
  const todayUtc = Date.UTC(today.year, today.month - 1, today.day);
  let best: number | undefined;
  // Slots of a day may fall on the next one (an hourly window past midnight), so yesterday's count too.
  for (let back = 0; back <= LOOK_BACK_DAYS; back++) {
    const day = new Date(todayUtc - back * DAY_MS);
    for (const slot of slotsOn(valid, { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() })) {
      const at = toInstant(slot, valid.timeZone).getTime();
      if (at <= now.getTime() && (best === undefined || at > best)) best = at;
    }
  }
  return best === undefined ? undefined : new Date(best);
}

/**
 * The slot to run at `now` for a schedule planned through `plannedThrough`: the newest slot in
 * (plannedThrough, now], or undefined when none is due. Slots missed while nobody planned (the
 * server was down) collapse into that one, so a restart starts one backup, not a backlog. Slots are
 * wall-clock times in the schedule's zone as core/policy reckons them (`nextRun`, `slotsOn`): a
 * slot in a spring-forward gap runs just after the gap, one in a fall-back overlap runs once.
 */
export function dueSlot(schedule: Schedule, plannedThrough: Date, now: Date): Date | undefined {
  if (now.getTime() <= plannedThrough.getTime()) return undefined;
  if (nextRun(schedule, undefined, plannedThrough).getTime() > now.getTime()) return undefined;
  const latest = latestSlot(schedule, now);
  return latest !== undefined && latest.getTime() > plannedThrough.getTime() ? latest : undefined;
}
