import { ArcaError } from '../../core/errors/index.ts';
import { findMember } from '../../core/states/index.ts';

/** Body field readers beyond arm/resources.ts; each refuses with InvalidRequestContent naming the field's path. */
function refuse(reason: string): never {
  throw new ArcaError('InvalidRequestContent', { reason });
}

export function integerField(parent: Record<string, unknown>, name: string, path: string, range: { min: number; max: number; required?: boolean }): number | undefined {
  const value = parent[name];
  if (value === undefined || value === null) {
    if (range.required) refuse(`${path} is required`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    refuse(`${path} must be a whole number from ${range.min} to ${range.max}`);
  }
  return value;
}

export function booleanField(parent: Record<string, unknown>, name: string, path: string): boolean | undefined {
  const value = parent[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') refuse(`${path} must be true or false`);
  return value;
}

export function arrayField(parent: Record<string, unknown>, name: string, path: string, max: number): unknown[] {
  const value = parent[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) refuse(`${path} must be an array`);
  if (value.length > max) refuse(`${path} holds ${value.length} entries; at most ${max} are allowed`);
  return value;
}

/** An array element that must be an object. */
export function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse(`${path} must be an object`);
  return value as Record<string, unknown>;
}

/** A closed-set value, matched without regard to case and returned in its canonical spelling. */
export function enumField<T extends string>(parent: Record<string, unknown>, name: string, path: string, set: readonly T[], options: { required?: boolean } = {}): T | undefined {
  const value = parent[name];
  if (value === undefined || value === null) {
    if (options.required) refuse(`${path} is required; one of ${set.join(', ')}`);
    return undefined;
  }
  const member = typeof value === 'string' ? findMember(set, value) : undefined;
  if (member === undefined) refuse(`${path} must be one of ${set.join(', ')}`);
  return member;
}

/** A string that must match `pattern`; `what` explains the pattern in the reason. */
export function patternField(parent: Record<string, unknown>, name: string, path: string, pattern: RegExp, what: string, options: { required?: boolean } = {}): string | undefined {
  const value = parent[name];
  if (value === undefined || value === null) {
    if (options.required) refuse(`${path} is required`);
    return undefined;
  }
  if (typeof value !== 'string' || value.length > 2048 || !pattern.test(value)) refuse(`${path} must be ${what}`);
  return value;
}

export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
