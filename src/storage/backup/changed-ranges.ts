import { EXTENT_FLAGS, type ExtentMap } from './extent-map.ts';

/** A half-open byte range [start, end) of a disk. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * An extent whose blocks cannot have been rewritten in place: shared (so any write to it is copied
 * elsewhere first) and nothing else that makes its place uncertain (delayed allocation, unknown
 * location, unwritten, merged by the tool, encoded, inline…). Only `last` is harmless.
 */
function trustworthy(flags: number): boolean {
  return (flags & EXTENT_FLAGS.shared) !== 0 && (flags & ~(EXTENT_FLAGS.shared | EXTENT_FLAGS.last)) === 0;
}

/** Walks one map's extents and holes in order: what lies at `at`, and up to where it stays so. */
class Cursor {
  readonly #map: ExtentMap;
  #i = 0;

  constructor(map: ExtentMap) {
    this.#map = map;
  }

  /** The extent covering `at` (its index) or -1 for a hole, and where that ends. `at` never goes back. */
  at(at: number): { extent: number; end: number } {
    const map = this.#map;
    while (this.#i < map.count && map.logical(this.#i) + map.length(this.#i) <= at) this.#i++;
    if (this.#i >= map.count) return { extent: -1, end: Number.POSITIVE_INFINITY };
    const start = map.logical(this.#i);
    if (start > at) return { extent: -1, end: start };
    return { extent: this.#i, end: start + map.length(this.#i) };
  }
}

/**
 * The byte ranges of two files of the same size whose contents may differ, judged from where
 * their bytes lie alone: a range is the same when both files hold it in the very same shared
 * physical blocks, or both have a hole there. Everything else is changed, which is always safe.
 */
export function changedRanges(previous: ExtentMap, current: ExtentMap, size: number): ByteRange[] {
  const changed: ByteRange[] = [];
  const add = (start: number, end: number) => {
    const last = changed.at(-1);
    if (last && last.end === start) changed[changed.length - 1] = { start: last.start, end };
    else changed.push({ start, end });
  };
  const a = new Cursor(previous);
  const b = new Cursor(current);
  for (let at = 0; at < size; ) {
    const x = a.at(at);
    const y = b.at(at);
    const end = Math.min(x.end, y.end, size);
    if (!same(previous, x.extent, current, y.extent, at)) add(at, end);
    at = end;
  }
  return changed;
}

function same(previous: ExtentMap, i: number, current: ExtentMap, j: number, at: number): boolean {
  if (i < 0 || j < 0) return i === j; // a hole in both reads as zeros in both
  if (!trustworthy(previous.flags(i)) || !trustworthy(current.flags(j))) return false;
  return previous.physical(i) + (at - previous.logical(i)) === current.physical(j) + (at - current.logical(j));
}

/** One flag per chunk of `chunkSize` bytes: 1 when no changed range touches it. */
export function unchangedChunks(changed: readonly ByteRange[], size: number, chunkSize: number): Uint8Array {
  const flags = new Uint8Array(Math.ceil(size / chunkSize)).fill(1);
  for (const range of changed) {
    const first = Math.floor(range.start / chunkSize);
    const last = Math.ceil(range.end / chunkSize);
    flags.fill(0, first, last);
  }
  return flags;
}
