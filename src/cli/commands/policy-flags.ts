import { invalidArgument } from '../../core/errors/index.ts';

/** The flags of `arca policy create` that describe a policy. */
export interface PolicyFlags {
  daily?: string;
  weekly?: string;
  hourly?: string;
  windowStart?: string;
  windowHours?: string;
  retainDaily?: string;
  retainWeekly?: string;
  retainMonthly?: string;
  retainYearly?: string;
  instantDays?: string;
  timeZone?: string;
  v2?: boolean;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

function clock(flag: string, text: string): string {
  if (!CLOCK.test(text)) throw invalidArgument(flag, `"${text}" is not a time of day as HH:MM (24-hour)`);
  return text;
}

function count(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw invalidArgument(flag, `"${text}" is not a whole number of at least 1`);
  return n;
}

function days(flag: string, text: string): string[] {
  return text.split(',').map((part) => {
    const word = part.trim().toLowerCase();
    const day = DAYS.find((d) => d.toLowerCase() === word || d.slice(0, 3).toLowerCase() === word);
    if (!day) throw invalidArgument(flag, `"${part}" is not a day of the week (Sunday … Saturday, or Sun … Sat)`);
    return day;
  });
}

/** ARM writes a clock time as a date-time on an arbitrary day. */
const at = (hhmm: string) => `2026-01-01T${hhmm}:00Z`;

interface Schedule {
  readonly policyType: 'V1' | 'V2';
  readonly clock: string;
  readonly runDays?: string[];
  readonly wire: Record<string, unknown>;
}

function scheduleOf(flags: PolicyFlags): Schedule {
  const chosen = [flags.daily, flags.weekly, flags.hourly].filter((f) => f !== undefined).length;
  if (chosen !== 1) throw invalidArgument('--daily/--weekly/--hourly', 'choose exactly one schedule');
  if (flags.hourly !== undefined) {
    const interval = Number(flags.hourly);
    if (![4, 6, 8, 12].includes(interval)) throw invalidArgument('--hourly', 'hourly backups run every 4, 6, 8 or 12 hours');
    if (flags.windowStart === undefined || flags.windowHours === undefined) throw invalidArgument('--window-start/--window-hours', 'an hourly schedule needs the start and the length of its window');
    const start = clock('--window-start', flags.windowStart);
    const hours = count('--window-hours', flags.windowHours) as number;
    return {
      policyType: 'V2',
      clock: start,
      wire: { schedulePolicyType: 'SimpleSchedulePolicyV2', scheduleRunFrequency: 'Hourly', hourlySchedule: { interval, scheduleWindowStartTime: at(start), scheduleWindowDuration: hours } },
    };
  }
  const v2 = flags.v2 === true;
  if (flags.daily !== undefined) {
    const time = clock('--daily', flags.daily);
    return {
      policyType: v2 ? 'V2' : 'V1',
      clock: time,
      wire: v2
        ? { schedulePolicyType: 'SimpleSchedulePolicyV2', scheduleRunFrequency: 'Daily', dailySchedule: { scheduleRunTimes: [at(time)] } }
        : { schedulePolicyType: 'SimpleSchedulePolicy', scheduleRunFrequency: 'Daily', scheduleRunTimes: [at(time)] },
    };
  }
  const [dayText = '', time = ''] = (flags.weekly as string).split('@');
  const runDays = days('--weekly', dayText);
  clock('--weekly', time);
  return {
    policyType: v2 ? 'V2' : 'V1',
    clock: time,
    runDays,
    wire: v2
      ? { schedulePolicyType: 'SimpleSchedulePolicyV2', scheduleRunFrequency: 'Weekly', weeklySchedule: { scheduleRunDays: runDays, scheduleRunTimes: [at(time)] } }
      : { schedulePolicyType: 'SimpleSchedulePolicy', scheduleRunFrequency: 'Weekly', scheduleRunDays: runDays, scheduleRunTimes: [at(time)] },
  };
}

/**
 * The `properties` of an AzureIaasVM policy from flags. Shapes only; the vault judges the values
 * (instant days 1–5, counts within Azure's limits, one daily run on V1) and answers with its codes.
 */
export function policyFromFlags(flags: PolicyFlags): Record<string, unknown> {
  const schedule = scheduleOf(flags);
  const times = [at(schedule.clock)];
  const firstDay = schedule.runDays?.[0] ?? 'Sunday';
  const daily = count('--retain-daily', flags.retainDaily);
  const weekly = count('--retain-weekly', flags.retainWeekly);
  const monthly = count('--retain-monthly', flags.retainMonthly);
  const yearly = count('--retain-yearly', flags.retainYearly);
  if ([daily, weekly, monthly, yearly].every((n) => n === undefined)) {
    throw invalidArgument('--retain-daily/--retain-weekly/--retain-monthly/--retain-yearly', 'say how long to keep the recovery points');
  }
  const onFirst = { retentionScheduleFormatType: 'Weekly', retentionScheduleWeekly: { daysOfTheWeek: [firstDay], weeksOfTheMonth: ['First'] } };
  const instant = count('--instant-days', flags.instantDays ?? '2') as number;
  return {
    backupManagementType: 'AzureIaasVM',
    policyType: schedule.policyType,
    timeZone: flags.timeZone ?? 'UTC',
    instantRpRetentionRangeInDays: instant,
    schedulePolicy: schedule.wire,
    retentionPolicy: {
      retentionPolicyType: 'LongTermRetentionPolicy',
      ...(daily ? { dailySchedule: { retentionTimes: times, retentionDuration: { count: daily, durationType: 'Days' } } } : {}),
      ...(weekly ? { weeklySchedule: { daysOfTheWeek: schedule.runDays ?? [firstDay], retentionTimes: times, retentionDuration: { count: weekly, durationType: 'Weeks' } } } : {}),
      ...(monthly ? { monthlySchedule: { ...onFirst, retentionTimes: times, retentionDuration: { count: monthly, durationType: 'Months' } } } : {}),
      ...(yearly ? { yearlySchedule: { ...onFirst, monthsOfYear: ['January'], retentionTimes: times, retentionDuration: { count: yearly, durationType: 'Years' } } } : {}),
    },
  };
}

const clockOf = (v: unknown) => (Array.isArray(v) ? String(v[0] ?? '') : String(v ?? '')).slice(11, 16);

/** One line that says what a policy does, from its ARM properties. */
export function describeSchedule(properties: Record<string, unknown>): string {
  const s = (properties.schedulePolicy ?? {}) as Record<string, unknown>;
  const zone = String(properties.timeZone ?? 'UTC');
  switch (s.scheduleRunFrequency) {
    case 'Hourly': {
      const h = (s.hourlySchedule ?? {}) as Record<string, unknown>;
      return `every ${String(h.interval)} h from ${clockOf(h.scheduleWindowStartTime)} for ${String(h.scheduleWindowDuration)} h (${zone})`;
    }
    case 'Weekly': {
      const w = (s.weeklySchedule ?? s) as Record<string, unknown>;
      return `weekly on ${((w.scheduleRunDays ?? []) as string[]).join(', ')} at ${clockOf(w.scheduleRunTimes)} (${zone})`;
    }
    default: {
      const d = (s.dailySchedule ?? s) as Record<string, unknown>;
      return `daily at ${clockOf(d.scheduleRunTimes)} (${zone})`;
    }
  }
}

/** "30 days, 12 weeks, …" from an ARM LongTermRetentionPolicy. */
export function describeRetention(properties: Record<string, unknown>): string {
  const r = (properties.retentionPolicy ?? {}) as Record<string, { retentionDuration?: { count?: number; durationType?: string } } | undefined>;
  return ['dailySchedule', 'weeklySchedule', 'monthlySchedule', 'yearlySchedule']
    .map((key) => r[key]?.retentionDuration)
    .filter((d) => d !== undefined)
    .map((d) => `${String(d.count)} ${String(d.durationType).toLowerCase()}`)
    .join(', ');
}
