import { ArcaError, invalidArgument } from '../errors/index.ts';
import { validateInstantRetention } from './instant-retention.ts';
import { validateRetention, type RetentionPolicy } from './retention-policy.ts';
import { validateSchedule, type Schedule, type ScheduleKind } from './schedule.ts';
import { resolveTimeZone } from './time-zone.ts';

/**
 * A whole AzureIaasVM backup policy. `V1` is Azure's standard policy (one backup a day or week);
 * `V2` is the enhanced policy, which adds the hourly schedule.
 */

export const POLICY_TYPES = ['V1', 'V2'] as const;
export type PolicyType = (typeof POLICY_TYPES)[number];

export const SCHEDULES_BY_POLICY_TYPE: Readonly<Record<PolicyType, readonly ScheduleKind[]>> = {
  V1: ['Daily', 'Weekly'],
  V2: ['Daily', 'Weekly', 'Hourly'],
};

/** Azure allows 1–150 characters; we also keep names to characters that need no escaping in a path. */
const POLICY_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,149}$/;

export interface IaasVmPolicy {
  readonly name: string;
  readonly policyType: PolicyType;
  readonly schedule: Schedule;
  readonly retention: RetentionPolicy;
  readonly instantRpRetentionRangeInDays: number;
  /** The policy's zone; the schedule's must name the same zone. */
  readonly timeZone: string;
}

/**
 * Returns the policy normalised (time zones resolved to IANA names, run days in week order) or throws
 * the first problem: `UserErrorInvalidArgument` (name), `UserErrorInvalidSchedule`,
 * `UserErrorInvalidRetention`, `UserErrorInstantRpRetentionOutOfRange` or `UserErrorInvalidTimeZone`.
 */
export function validatePolicy(policy: IaasVmPolicy): IaasVmPolicy {
  if (typeof policy.name !== 'string' || !POLICY_NAME.test(policy.name)) {
    throw invalidArgument(
      'name',
      'a policy name has 1 to 150 letters, digits, hyphens or underscores and starts with a letter or digit',
    );
  }
  if (!(POLICY_TYPES as readonly unknown[]).includes(policy.policyType)) {
    throw invalidArgument('policyType', `it must be one of ${POLICY_TYPES.join(', ')}`);
  }
  const timeZone = resolveTimeZone(policy.timeZone);
  const schedule = validateSchedule(policy.schedule);
  if (!SCHEDULES_BY_POLICY_TYPE[policy.policyType].includes(schedule.kind)) {
    throw new ArcaError('UserErrorInvalidSchedule', {
      reason: `${schedule.kind} schedules are not available on ${policy.policyType} policies; hourly schedules need policyType V2`,
    });
  }
  if (schedule.timeZone !== timeZone) {
    throw new ArcaError('UserErrorInvalidSchedule', {
      reason: `the schedule's time zone ${schedule.timeZone} differs from the policy's ${timeZone}`,
    });
  }
  const retention = validateRetention(policy.retention);
  checkRetentionFitsSchedule(retention, schedule);
  const instantRpRetentionRangeInDays = validateInstantRetention(policy.instantRpRetentionRangeInDays);
  return { name: policy.name, policyType: policy.policyType, schedule, retention, instantRpRetentionRangeInDays, timeZone };
}

function fail(reason: string): never {
  throw new ArcaError('UserErrorInvalidRetention', { reason });
}

/**
 * The rules Azure applies between schedule and retention: daily and hourly schedules need a daily
 * rule; a weekly schedule has no daily rule, needs a weekly one, and every rule that names weekdays
 * may only name days it runs on (so monthly and yearly rules must pick days by weekday).
 */
function checkRetentionFitsSchedule(retention: RetentionPolicy, schedule: Schedule): void {
  if (schedule.kind !== 'Weekly') {
    if (!retention.daily) fail(`${schedule.kind} schedules need a daily retention rule`);
    return;
  }
  if (retention.daily) fail('Weekly schedules take no daily retention rule; keep weekly points instead');
  if (!retention.weekly) fail('Weekly schedules need a weekly retention rule');
  const rules = [
    ['weekly', retention.weekly],
    ['monthly', retention.monthly],
    ['yearly', retention.yearly],
  ] as const;
  for (const [name, rule] of rules) {
    if (!rule) continue;
    if ('format' in rule && rule.format !== 'Weekly') {
      fail(`with a Weekly schedule, ${name} must use format Weekly to pick days the backup runs on`);
    }
    const missed = (rule.daysOfTheWeek ?? []).find((day) => !schedule.runDays.includes(day));
    if (missed) fail(`${name}.daysOfTheWeek has ${missed}, a day the Weekly schedule does not run`);
  }
}
