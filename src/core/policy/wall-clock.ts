import { dayNumber, type CivilDate } from './civil-date.ts';
import { resolveTimeZone } from './time-zone.ts';

/**
 * Conversions between instants and the wall clock of a time zone, using only Intl's zone data.
 * Every function takes the zone as a policy writes it and resolves it (see time-zone.ts).
 */

export interface LocalDateTime extends CivilDate {
  /** 0–23 */
  readonly hour: number;
  /** 0–59 */
  readonly minute: number;
  /** 0–59; taken as 0 when absent */
  readonly second?: number;
}

export interface ZonedDateTime extends LocalDateTime {
  readonly second: number;
}

const MS_PER_DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

function partsAt(epochMs: number, zone: string): ZonedDateTime {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(epochMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year ?? 0,
    month: fields.month ?? 0,
    day: fields.day ?? 0,
    hour: fields.hour ?? 0,
    minute: fields.minute ?? 0,
    second: fields.second ?? 0,
  };
}

/** Milliseconds of the wall-clock reading taken as if it were UTC. */
function wallMs(local: LocalDateTime): number {
  return (dayNumber(local) * 86_400 + local.hour * 3600 + local.minute * 60 + (local.second ?? 0)) * 1000;
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
function offsetAt(epochMs: number, zone: string): number {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  return wallMs(partsAt(wholeSecond, zone)) - wholeSecond;
}

/** The wall-clock reading of `instant` in `timeZone`. */
export function toZoned(instant: Date, timeZone: string): ZonedDateTime {
  return partsAt(instant.getTime(), resolveTimeZone(timeZone));
}

/** The UTC offset of `timeZone` at `instant`, in minutes (east positive): Madrid in summer is 120. */
export function utcOffsetMinutes(instant: Date, timeZone: string): number {
  return offsetAt(instant.getTime(), resolveTimeZone(timeZone)) / 60_000;
}

/**
 * The instant at which the wall clock of `timeZone` reads `local`.
 * - In a gap (02:30 on a spring-forward night) the reading never happens: the result is the first
 *   instant after it that exists, i.e. the transition itself (03:00 new time).
 * - In an overlap (02:30 on a fall-back night happens twice) the result is the first occurrence.
 * Assumes at most one offset change within a day either side of `local`, true of every zone in use.
 */
export function toInstant(local: LocalDateTime, timeZone: string): Date {
  const zone = resolveTimeZone(timeZone);
  const wall = wallMs(local);
  const offsetBefore = offsetAt(wall - MS_PER_DAY, zone);
  const offsetAfter = offsetAt(wall + MS_PER_DAY, zone);
  const matches = [...new Set([offsetBefore, offsetAfter])]
    .map((offset) => wall - offset)
    .filter((candidate) => offsetAt(candidate, zone) === wall - candidate);
  if (matches.length > 0) return new Date(Math.min(...matches));
  return new Date(transitionBetween(wall - offsetAfter, wall - offsetBefore, offsetAfter, zone));
}

/** Smallest instant in (low, high] at which the zone already uses `offsetAfter`; binary search. */
function transitionBetween(low: number, high: number, offsetAfter: number, zone: string): number {
  let before = Math.min(low, high);
  let after = Math.max(low, high);
  while (after - before > 1) {
    const middle = before + Math.floor((after - before) / 2);
    if (offsetAt(middle, zone) === offsetAfter) after = middle;
    else before = middle;
  }
  return after;
}
