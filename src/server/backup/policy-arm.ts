import { ArcaError } from '../../core/errors/index.ts';
import { INSTANT_RP_RETENTION_DAYS, POLICY_TYPES, validatePolicy, type IaasVmPolicy, type PolicyType } from '../../core/policy/index.ts';
import { findMember } from '../../core/states/index.ts';
import { retentionFromArm, retentionToArm } from './policy-arm-retention.ts';
import { policyTypeOfSchedule, scheduleClock, scheduleFromArm, scheduleToArm } from './policy-arm-schedule.ts';
import { shortJson } from './policy-arm-values.ts';

/**
 * An AzureIaasVM protection policy's `properties` as the Recovery Services API writes them, to and
 * from core's `IaasVmPolicy`. Pure: the routes store what `policyFromArm` returns and answer what
 * `policyToArm` writes. The time zone is kept as the caller wrote it (Azure's clients write Windows
 * names such as "UTC" or "Pacific Standard Time"); the core policy holds the resolved IANA zone.
 */
export const IAAS_VM = 'AzureIaasVM';
const DEFAULT_TIME_ZONE = 'UTC';
const MAX_TIME_ZONE_LENGTH = 64;

export interface ArmPolicy {
  readonly policy: IaasVmPolicy;
  /** The time zone as the caller wrote it, answered back unchanged. */
  readonly timeZoneName: string;
}

function invalidBody(reason: string): never {
  throw new ArcaError('InvalidRequestContent', { reason });
}

function objectOf(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalidBody(`${path} must be an object`);
  return value as Record<string, unknown>;
}

/**
 * Reads and validates `properties` for a policy named `name`. Throws InvalidRequestContent or
 * UserErrorInvalidArgument for the body's shape, and core's codes for its meaning:
 * UserErrorInvalidSchedule, UserErrorInvalidRetention, UserErrorInstantRpRetentionOutOfRange,
 * UserErrorInvalidTimeZone.
 */
export function policyFromArm(name: string, properties: unknown): ArmPolicy {
  const wire = objectOf(properties, 'properties');
  const management = wire.backupManagementType;
  if (typeof management !== 'string' || management.toLowerCase() !== IAAS_VM.toLowerCase()) {
    throw new ArcaError('UserErrorInvalidArgument', {
      name: 'properties.backupManagementType',
      reason: `Arca serves policies of type ${IAAS_VM} only; got ${shortJson(management)}`,
    });
  }
  const timeZoneName = timeZoneOf(wire.timeZone);
  const schedulePolicy = objectOf(wire.schedulePolicy, 'properties.schedulePolicy');
  const policyType = policyTypeOf(wire.policyType, schedulePolicy);
  const policy = validatePolicy({
    name,
    policyType,
    timeZone: timeZoneName,
    schedule: scheduleFromArm(schedulePolicy, policyType, timeZoneName),
    retention: retentionFromArm(objectOf(wire.retentionPolicy, 'properties.retentionPolicy')),
    instantRpRetentionRangeInDays: (wire.instantRpRetentionRangeInDays ?? INSTANT_RP_RETENTION_DAYS.default) as number,
  });
  return { policy, timeZoneName };
}

function timeZoneOf(value: unknown): string {
  if (value === undefined || value === null || value === '') return DEFAULT_TIME_ZONE;
  if (typeof value !== 'string' || value.length > MAX_TIME_ZONE_LENGTH) {
    throw new ArcaError('UserErrorInvalidTimeZone', { timeZone: shortJson(value) });
  }
  return value.trim();
}

/** `policyType` as given (V1 or V2, any case), or what the schedule's type implies when absent. */
function policyTypeOf(value: unknown, schedulePolicy: Record<string, unknown>): PolicyType {
  if (value === undefined || value === null) return policyTypeOfSchedule(schedulePolicy);
  const found = typeof value === 'string' ? findMember(POLICY_TYPES, value) : undefined;
  if (found === undefined) {
    throw new ArcaError('UserErrorInvalidArgument', { name: 'properties.policyType', reason: `it must be one of ${POLICY_TYPES.join(', ')}; got ${shortJson(value)}` });
  }
  return found;
}

/** The wire `properties` of a stored policy; `protectedItemsCount` is counted by the caller. */
export function policyToArm(stored: ArmPolicy, protectedItemsCount: number): Record<string, unknown> {
  const { policy } = stored;
  return {
    backupManagementType: IAAS_VM,
    protectedItemsCount,
    instantRpRetentionRangeInDays: policy.instantRpRetentionRangeInDays,
    schedulePolicy: scheduleToArm(policy.schedule, policy.policyType),
    retentionPolicy: retentionToArm(policy.retention, scheduleClock(policy.schedule)),
    timeZone: stored.timeZoneName,
    policyType: policy.policyType,
  };
}
