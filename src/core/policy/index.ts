export {
  MONTHS,
  WEEKDAYS,
  WEEKS_OF_MONTH,
  type Month,
  type WeekOfMonth,
  type Weekday,
} from './calendar-names.ts';
export { type CivilDate } from './civil-date.ts';
export { INSTANT_RP_RETENTION_DAYS, validateInstantRetention } from './instant-retention.ts';
export { nextRun, slotsOn } from './next-run.ts';
export { POLICY_TYPES, SCHEDULES_BY_POLICY_TYPE, validatePolicy, type IaasVmPolicy, type PolicyType } from './policy.ts';
export {
  applyRetention,
  type KeptPoint,
  type RetentionCandidate,
  type RetentionContext,
  type RetentionDecision,
} from './retention.ts';
export {
  RETENTION_FORMATS,
  RETENTION_LIMITS,
  validateRetention,
  type DailyRetention,
  type DayOfMonth,
  type MonthlyRetention,
  type RetentionFormat,
  type RetentionPolicy,
  type WeeklyRetention,
  type YearlyRetention,
} from './retention-policy.ts';
export {
  HOURLY_INTERVALS,
  HOURLY_WINDOW_HOURS,
  SCHEDULE_KINDS,
  runsPerDay,
  validateSchedule,
  type DailySchedule,
  type HourlyInterval,
  type HourlySchedule,
  type Schedule,
  type ScheduleKind,
  type WeeklySchedule,
} from './schedule.ts';
export { isValidTimeZone, resolveTimeZone, windowsToIana } from './time-zone.ts';
export { toInstant, toZoned, utcOffsetMinutes, type LocalDateTime, type ZonedDateTime } from './wall-clock.ts';
export { WINDOWS_TIME_ZONES } from './windows-zones.ts';
