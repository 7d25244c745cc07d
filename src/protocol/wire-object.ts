import { ArcaError } from '../core/errors/index.ts';
import { findMember } from '../core/states/index.ts';

function refuse(reason: string): never {
  throw new ArcaError('InvalidRequestContent', { reason });
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads one JSON object of a protocol message, field by field; every refusal is
 * InvalidRequestContent naming the field's path. Fields it is not asked for are never copied, so a
 * validated message holds only what the contract defines.
 */
export class WireObject {
  readonly value: Readonly<Record<string, unknown>>;
  readonly path: string;

  constructor(value: unknown, path: string) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse(`${path || 'the body'} must be a JSON object`);
    this.value = value as Record<string, unknown>;
    this.path = path;
  }

  at(name: string): string {
    return this.path === '' ? name : `${this.path}.${name}`;
  }

  has(name: string): boolean {
    return this.value[name] !== undefined && this.value[name] !== null;
  }

  string(name: string, rule: { max: number; pattern?: RegExp; shape?: string }): string | undefined {
    if (!this.has(name)) return undefined;
    const value = this.value[name];
    if (typeof value !== 'string') refuse(`${this.at(name)} must be a string`);
    if (value.length === 0 || value.length > rule.max) refuse(`${this.at(name)} must be 1 to ${rule.max} characters`);
    if (rule.pattern && !rule.pattern.test(value)) refuse(`${this.at(name)} must be ${rule.shape ?? `text matching ${rule.pattern}`}`);
    return value;
  }

  requiredString(name: string, rule: { max: number; pattern?: RegExp; shape?: string }): string {
    return this.string(name, rule) ?? refuse(`${this.at(name)} is required`);
  }

  integer(name: string, range: { min: number; max: number }): number | undefined {
    if (!this.has(name)) return undefined;
    const value = this.value[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
      refuse(`${this.at(name)} must be a whole number from ${range.min} to ${range.max}`);
    }
    return value;
  }

  requiredInteger(name: string, range: { min: number; max: number }): number {
    return this.integer(name, range) ?? refuse(`${this.at(name)} is required`);
  }

  boolean(name: string): boolean | undefined {
    if (!this.has(name)) return undefined;
    const value = this.value[name];
    return typeof value === 'boolean' ? value : refuse(`${this.at(name)} must be true or false`);
  }

  member<T extends string>(name: string, set: readonly T[]): T | undefined {
    if (!this.has(name)) return undefined;
    const value = this.value[name];
    const found = typeof value === 'string' ? findMember(set, value) : undefined;
    return found ?? refuse(`${this.at(name)} must be one of ${set.join(', ')}`);
  }

  requiredMember<T extends string>(name: string, set: readonly T[]): T {
    return this.member(name, set) ?? refuse(`${this.at(name)} is required`);
  }

  time(name: string): string | undefined {
    const text = this.string(name, { max: 40, pattern: ISO_TIME, shape: 'an ISO-8601 time with its offset' });
    if (text !== undefined && Number.isNaN(Date.parse(text))) refuse(`${this.at(name)} is not a valid time`);
    return text;
  }

  object(name: string): WireObject | undefined {
    return this.has(name) ? new WireObject(this.value[name], this.at(name)) : undefined;
  }

  requiredObject(name: string): WireObject {
    return this.object(name) ?? refuse(`${this.at(name)} is required`);
  }

  /** The array's items with their paths; absent is empty. */
  array(name: string, max: number): { readonly value: unknown; readonly path: string }[] {
    if (!this.has(name)) return [];
    const value = this.value[name];
    if (!Array.isArray(value)) refuse(`${this.at(name)} must be an array`);
    if (value.length > max) refuse(`${this.at(name)} has ${value.length} entries; at most ${max} are allowed`);
    return value.map((item, i) => ({ value: item, path: `${this.at(name)}[${i}]` }));
  }

  objects(name: string, max: number): WireObject[] {
    return this.array(name, max).map((item) => new WireObject(item.value, item.path));
  }

  /** A flat map of short names to strings or finite numbers (error parameters). */
  params(name: string): Record<string, string | number> {
    const input = this.object(name);
    if (input === undefined) return {};
    const entries = Object.entries(input.value);
    if (entries.length > 20) refuse(`${input.path} has more than 20 entries`);
    const out: Record<string, string | number> = {};
    for (const [key, value] of entries) {
      if (!/^[A-Za-z][A-Za-z0-9]{0,39}$/.test(key)) refuse(`${input.path} has a key that is not a short name: ${key.slice(0, 40)}`);
      if (typeof value === 'string' && value.length <= 500) out[key] = value;
      else if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
      else refuse(`${input.path}.${key} must be a string of at most 500 characters or a finite number`);
    }
    return out;
  }
}

export function refuseContent(reason: string): never {
  return refuse(reason);
}
