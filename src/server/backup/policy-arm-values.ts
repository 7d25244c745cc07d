import { ArcaError } from '../../core/errors/index.ts';
import { findMember } from '../../core/states/index.ts';

/**
 * Small readers shared by the policy translation: Azure's JSON writes times of day as full
 * date-times (`2024-01-01T22:30:00Z`, only the clock part counts, read in the policy's time zone)
 * and compares enum words without regard to case.
 */
export type PolicyCode = 'UserErrorInvalidSchedule' | 'UserErrorInvalidRetention';

export function policyFail(code: PolicyCode, reason: string): never {
  throw new ArcaError(code, { reason });
}

/** A nested object, or undefined when absent or null. */
export function optionalObject(parent: Record<string, unknown>, name: string, path: string, code: PolicyCode): Record<string, unknown> | undefined {
  const value = parent[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) policyFail(code, `${path} must be an object`);
  return value as Record<string, unknown>;
}

export function requiredObject(parent: Record<string, unknown>, name: string, path: string, code: PolicyCode): Record<string, unknown> {
  return optionalObject(parent, name, path, code) ?? policyFail(code, `${path} is required`);
}

/** The canonical spelling of a closed-set word, or a failure naming the field and the choices. */
export function enumWord<T extends string>(value: unknown, set: readonly T[], path: string, code: PolicyCode): T {
  const found = typeof value === 'string' ? findMember(set, value) : undefined;
  if (found === undefined) policyFail(code, `${path} must be one of ${set.join(', ')}; got ${shortJson(value)}`);
  return found;
}

/**
 * A list of closed-set words in canonical spelling. Items that are not words of the set are kept as
 * given, so that the core's own check names them in its reason.
 */
export function enumWords(value: unknown, set: readonly string[]): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((item: unknown) => (typeof item === 'string' ? (findMember(set, item) ?? item) : item));
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]00:?00)?$/;

/** `HH:MM` from Azure's date-time form; the date part is ignored, as Azure does. */
export function clockOf(value: unknown, path: string, code: PolicyCode): string {
  const match = typeof value === 'string' && value.length <= 40 ? DATE_TIME.exec(value) : null;
  if (!match) {
    policyFail(code, `${path} must be a date-time whose clock part is the time in the policy's time zone, such as "2024-01-01T22:30:00Z"; got ${shortJson(value)}`);
  }
  if (Number(match[3] ?? 0) !== 0 || Number(match[4] ?? 0) !== 0) policyFail(code, `${path} ${shortJson(value)} must have zero seconds`);
  return `${match[1]}:${match[2]}`;
}

/** The single time of a one-element list of date-times (Azure allows exactly one scheduled time a day). */
export function singleClock(value: unknown, path: string, code: PolicyCode): string {
  if (!Array.isArray(value) || value.length !== 1) {
    policyFail(code, `${path} must hold exactly one date-time; it holds ${Array.isArray(value) ? value.length : 'none'}`);
  }
  return clockOf(value[0], `${path}[0]`, code);
}

/** The date Arca writes in front of clock times; Azure's clients read only the clock part. */
const REFERENCE_DATE = '2024-01-01';

export function dateTimeOf(clock: string): string {
  return `${REFERENCE_DATE}T${clock}:00Z`;
}

/** A value quoted for a reason text, cut short so a huge input does not make a huge message. */
export function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
