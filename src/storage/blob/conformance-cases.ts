import { MiB } from './conformance-helpers.ts';

/** The tables the conformance suite runs through. */

/** Keys every store refuses, each with what makes it wrong. */
export const INVALID_KEYS: readonly [string, string][] = [
  ['../x', 'a key that climbs out of the store'],
  ['a/../../x', 'a key with a ".." segment inside'],
  ['./a', 'a key with a "." segment'],
  ['/abs', 'an absolute key'],
  ['a//b', 'a key with an empty segment'],
  ['a/', 'a key that ends in a slash'],
  ['', 'the empty key'],
  ['Data/x', 'a key with uppercase letters'],
  ['a b', 'a key with a space'],
  ['a\\b', 'a key with a backslash'],
  ['x'.repeat(513), 'a key longer than 512 characters'],
];

export const INVALID_PREFIXES: readonly string[] = ['../', '/abs', 'a//', 'Data', './', 'a/../b'];

/** Ranges over a 100-byte object and the bytes [start, end) each must read. */
export const RANGES: readonly { name: string; offset: number; length: number; expect: [number, number] }[] = [
  { name: 'a range inside the object reads just those bytes', offset: 3, length: 4, expect: [3, 7] },
  { name: 'a range from the start reads the head', offset: 0, length: 5, expect: [0, 5] },
  { name: 'a range that ends exactly at the end reads the tail', offset: 90, length: 10, expect: [90, 100] },
  { name: 'a range past the end is cut at the end', offset: 95, length: 50, expect: [95, 100] },
  { name: 'a range starting at the end is empty', offset: 100, length: 5, expect: [100, 100] },
  { name: 'a range starting beyond the end is empty', offset: 500, length: 5, expect: [100, 100] },
  { name: 'a range of length zero is empty', offset: 10, length: 0, expect: [10, 10] },
];

/**
 * Splits `total` bytes into the [start, end) pieces a writer writes: empty writes, hundreds of
 * small ones of odd sizes, a few large ones that cross MiB boundaries, and the rest at the end.
 */
export function writePieces(total: number): [number, number][] {
  const sizes = [0];
  for (let i = 1; i <= 300; i += 1) sizes.push(i % 50 === 0 ? 0 : (i * 7919) % 4096);
  sizes.push(8 * MiB, 0, 3 * MiB + 12_345);
  for (let i = 1; i <= 300; i += 1) sizes.push((i * 104_729) % 65_536);
  sizes.push(MiB - 1);
  const used = sizes.reduce((sum, size) => sum + size, 0);
  if (used > total) throw new RangeError(`${total} bytes are fewer than the ${used} the fixed pieces need`);
  sizes.push(total - used, 0);
  let start = 0;
  return sizes.map((size) => [start, (start += size)]);
}
