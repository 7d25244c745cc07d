import { invalidArgument } from '../../core/errors/index.ts';
import { validateChunkSizes, type ChunkSizes } from './chunk-sizes.ts';
import { gearTable } from './gear-table.ts';

/**
 * Bytes hashed up to and including the first tested one. The Gear hash shifts left once per byte,
 * so after 32 bytes nothing is left of the state it started from: every tested hash is a function of
 * the 32 bytes ending at that position, and the reset at a chunk start cannot move later cuts.
 */
const WINDOW = 32;

/** Capacity the carry starts with; it doubles up to maxSize as an unfinished chunk grows. */
const FIRST_CARRY = 64 * 1024;

export interface FastCdcOptions extends Partial<ChunkSizes> {
  /** 32 secret bytes, normally the repository's `chunker` key. */
  readonly key: Uint8Array;
}

/**
 * Normalized chunking, level 2 (Xia et al., FastCDC 2016), for avgSize = 2^bits: a chunk shorter
 * than avgSize ends only where bits+2 hash bits are zero, a longer one where bits-2 are, which
 * gathers sizes around avgSize. The bits are the highest of bits 0..30, those that mix in the most
 * bytes; bit 31 stays out so that the two-bytes-per-step loop can test its first byte's hash
 * shifted left by one.
 */
export function normalizedMasks(avgSize: number): { readonly small: number; readonly large: number } {
  const bits = Math.round(Math.log2(avgSize));
  return { small: topOnes(bits + 2), large: topOnes(bits - 2) };
}

/** `count` one bits ending at bit 30. */
function topOnes(count: number): number {
  return ((2 ** count - 1) * 2 ** (31 - count)) >>> 0;
}

/**
 * FastCDC over a keyed Gear table, fed a stream one buffer at a time.
 *
 * Definition of a cut, whatever the buffers: hash h = (h << 1) + gear[byte] over 32-bit words; the
 * chunk ends after the byte that makes it maxSize long, or earlier after the first byte that makes
 * it at least minSize long and whose h has no bit of the mask in force set (the small mask below
 * avgSize, the large one from there on). Bytes before minSize - 32 are not even hashed.
 *
 * Ownership: every chunk returned is a fresh, exactly sized Uint8Array (byteOffset 0, its own
 * ArrayBuffer) that the chunker never touches again; the consumer may keep it, change it or
 * transfer it to a worker. The chunker keeps no reference to a pushed buffer: it copies the tail of
 * an unfinished chunk (less than maxSize bytes), so the caller may refill its buffer after push().
 * Memory held: that carry (at most maxSize) plus, during push(), the caller's buffer.
 *
 * One chunker cuts one stream at a time; finish() or reset() makes it ready for the next one.
 */
export class FastCdcChunker {
  readonly sizes: ChunkSizes;
  readonly #gear: Uint32Array;
  /** gear[b] << 1, the first byte's term in a two-byte step. */
  readonly #gear2: Uint32Array;
  readonly #maskSmall: number;
  readonly #maskLarge: number;
  #carry = new Uint8Array(0);
  #carried = 0;
  #hash = 0;

  constructor(options: FastCdcOptions) {
    if (options === null || typeof options !== 'object') throw invalidArgument('options', 'a key and optional sizes are required');
    this.sizes = validateChunkSizes(options);
    this.#gear = gearTable(options.key);
    this.#gear2 = this.#gear.map((g) => g << 1);
    const masks = normalizedMasks(this.sizes.avgSize);
    this.#maskSmall = masks.small;
    this.#maskLarge = masks.large;
  }

  /** Takes the next buffer of the stream; returns the chunks it completes, in order (often none). */
  push(data: Uint8Array): Uint8Array[] {
    const chunks: Uint8Array[] = [];
    let start = 0;
    let offset = this.#carried;
    while (start < data.length) {
      const end = this.#findEnd(data, start, data.length, offset);
      if (end < 0) {
        this.#keep(data.subarray(start));
        break;
      }
      chunks.push(this.#take(data.subarray(start, end)));
      start = end;
      offset = 0;
    }
    return chunks;
  }

  /** Ends the stream: returns its last chunk (possibly shorter than minSize), or undefined if none is pending. */
  finish(): Uint8Array | undefined {
    const last = this.#carried === 0 ? undefined : this.#carry.slice(0, this.#carried);
    this.reset();
    return last;
  }

  /** Drops whatever is pending, as after an abandoned stream. */
  reset(): void {
    this.#carried = 0;
    this.#hash = 0;
  }

  /** Cuts a whole stream; stops with the signal's reason when it aborts. A chunker cuts one stream at a time. */
  async *chunkStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, signal?: AbortSignal): AsyncGenerator<Uint8Array, void, undefined> {
    this.reset();
    let finished = false;
    try {
      for await (const data of source) {
        signal?.throwIfAborted();
        if (!(data instanceof Uint8Array)) throw invalidArgument('source', 'a chunked stream must yield bytes, not strings or objects');
        yield* this.push(data);
      }
      signal?.throwIfAborted();
      const last = this.finish();
      finished = true;
      if (last !== undefined) yield last;
    } finally {
      if (!finished) this.reset();
    }
  }

  /**
   * Finds where the current chunk ends in data[from, to), given that data[from] is byte `offset` of
   * the chunk: returns the index just past its last byte, or -1 when it goes on past `to`.
   */
  #findEnd(data: Uint8Array, from: number, to: number, offset: number): number {
    const { minSize, avgSize, maxSize } = this.sizes;
    const base = from - offset;
    const firstTested = base + minSize - 1;
    let i = Math.max(from, firstTested - WINDOW + 1);
    const warmEnd = Math.min(to, firstTested);
    if (i < warmEnd) {
      const gear = this.#gear;
      let hash = this.#hash;
      for (; i < warmEnd; i++) hash = ((hash << 1) + gear[data[i]!]!) >>> 0;
      this.#hash = hash;
    }
    const smallEnd = Math.min(to, base + avgSize - 1);
    if (i < smallEnd) {
      const end = this.#roll(data, i, smallEnd, this.#maskSmall);
      if (end >= 0) return end;
      i = smallEnd;
    }
    const largeEnd = Math.min(to, base + maxSize - 1);
    if (i < largeEnd) {
      const end = this.#roll(data, i, largeEnd, this.#maskLarge);
      if (end >= 0) return end;
    }
    return to >= base + maxSize ? base + maxSize : -1;
  }

  /**
   * The hot loop: hashes data[i, end) two bytes per step and returns the index just past the first
   * byte whose hash clears `mask`, or -1. The first byte of a step is tested on its hash shifted left
   * by one ((h << 2) + (g << 1)), which spares a shift and keeps the step to two adds.
   */
  #roll(data: Uint8Array, i: number, end: number, mask: number): number {
    const gear = this.#gear;
    const gear2 = this.#gear2;
    const mask2 = (mask << 1) >>> 0;
    const pairsEnd = end - 1;
    let hash = this.#hash;
    while (i < pairsEnd) {
      hash = ((hash << 2) + gear2[data[i]!]!) >>> 0;
      if ((hash & mask2) === 0) return i + 1;
      hash = (hash + gear[data[i + 1]!]!) >>> 0;
      if ((hash & mask) === 0) return i + 2;
      i += 2;
    }
    if (i < end) {
      hash = ((hash << 1) + gear[data[i]!]!) >>> 0;
      if ((hash & mask) === 0) return i + 1;
    }
    this.#hash = hash;
    return -1;
  }

  /** The finished chunk: the carried bytes followed by `rest`, in a buffer of its own. */
  #take(rest: Uint8Array): Uint8Array {
    const chunk = new Uint8Array(this.#carried + rest.length);
    chunk.set(this.#carry.subarray(0, this.#carried));
    chunk.set(rest, this.#carried);
    this.reset();
    return chunk;
  }

  #keep(tail: Uint8Array): void {
    const needed = this.#carried + tail.length;
    if (needed > this.#carry.length) {
      const grown = new Uint8Array(Math.min(this.sizes.maxSize, Math.max(needed, FIRST_CARRY, this.#carry.length * 2)));
      grown.set(this.#carry.subarray(0, this.#carried));
      this.#carry = grown;
    }
    this.#carry.set(tail, this.#carried);
    this.#carried = needed;
  }
}
