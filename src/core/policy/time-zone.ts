import { ArcaError } from '../errors/index.ts';
import { WINDOWS_TIME_ZONES } from './windows-zones.ts';

/**
 * A policy's time zone is written either as an IANA name (`Europe/Madrid`) or, as Azure policies
 * write it, as a Windows id (`Pacific Standard Time`). Both are matched without regard to case and
 * resolved to one IANA name, which is what the rest of the policy code works with.
 */

const windowsByKey = new Map(Object.entries(WINDOWS_TIME_ZONES).map(([windows, iana]) => [windows.toLowerCase(), iana]));

/** IANA names keep their own spelling: Intl would turn `Asia/Kolkata` into ICU's `Asia/Calcutta`. */
let ianaByKey: Map<string, string> | undefined;
function knownIanaNames(): Map<string, string> {
  ianaByKey ??= new Map(
    [...Intl.supportedValuesOf('timeZone'), ...Object.values(WINDOWS_TIME_ZONES), 'UTC'].map((name) => [
      name.toLowerCase(),
      name,
    ]),
  );
  return ianaByKey;
}

/** Letters, digits and `/ _ + -`, starting with a letter: keeps offsets like `+01:00` out. */
const IANA_SHAPE = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

const resolved = new Map<string, string>();

/** The Windows id's IANA zone, or undefined when `name` is not a Windows id we know. */
export function windowsToIana(name: string): string | undefined {
  return windowsByKey.get(name.trim().toLowerCase());
}

/**
 * Resolves a policy time zone to an IANA name. Windows ids map per CLDR (territory 001); IANA names
 * are checked by Intl and returned in their canonical spelling of case; an alias Intl knows but the
 * zone list does not (`US/Pacific`) becomes the zone Intl resolves it to.
 * Throws `UserErrorInvalidTimeZone` for anything else.
 */
export function resolveTimeZone(name: string): string {
  const cached = typeof name === 'string' ? resolved.get(name) : undefined;
  if (cached !== undefined) return cached;
  const result = resolveUncached(name);
  resolved.set(name, result);
  return result;
}

function resolveUncached(name: string): string {
  if (typeof name !== 'string') throw new ArcaError('UserErrorInvalidTimeZone', { timeZone: String(name) });
  const trimmed = name.trim();
  const key = trimmed.toLowerCase();
  const windows = windowsByKey.get(key);
  if (windows !== undefined) return windows;
  if (!IANA_SHAPE.test(trimmed)) throw new ArcaError('UserErrorInvalidTimeZone', { timeZone: name });
  const known = knownIanaNames().get(key);
  if (known !== undefined) return known;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch (cause) {
    throw new ArcaError('UserErrorInvalidTimeZone', { timeZone: name }, { cause });
  }
}

/** True when `name` resolves; never throws. */
export function isValidTimeZone(name: string): boolean {
  try {
    resolveTimeZone(name);
    return true;
  } catch {
    return false;
  }
}
