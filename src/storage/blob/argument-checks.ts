import { invalidArgument } from '../../core/errors/index.ts';
import { isValidKey, isValidPrefix, type GetOptions } from './blob-store.ts';

/** Refuses keys outside the port's alphabet; implementations call it before touching the medium. */
export function requireValidKey(key: string): void {
  if (!isValidKey(key)) {
    throw invalidArgument('key', `"${shorten(key)}" is not a blob key: slash-separated [a-z0-9._-] segments, no "." or "..", at most 512 characters`);
  }
}

export function requireValidPrefix(prefix: string): void {
  if (!isValidPrefix(prefix)) {
    throw invalidArgument('prefix', `"${shorten(prefix)}" cannot start any blob key`);
  }
}

export function requireValidRange(range: GetOptions['range']): void {
  if (range === undefined) return;
  const { offset, length } = range;
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw invalidArgument('range', `offset ${offset} and length ${length} must be whole numbers of zero or more`);
  }
}

/** The part of a range that lies inside an object of `size` bytes: reads past the end are cut. */
export function clampRange(range: GetOptions['range'], size: number): { start: number; end: number } {
  if (range === undefined) return { start: 0, end: size };
  const start = Math.min(range.offset, size);
  return { start, end: Math.min(size, start + range.length) };
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
