import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { VM_FILE_CHUNK_SIZES, type ChunkSizes } from './chunk-sizes.ts';
import { FastCdcChunker, normalizedMasks } from './fastcdc.ts';
import { gearTable } from './gear-table.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const OTHER_KEY = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
const SMALL: ChunkSizes = { minSize: 2 * KiB, avgSize: 8 * KiB, maxSize: 32 * KiB };
const DEFAULTS = VM_FILE_CHUNK_SIZES;

/** xorshift32 (Marsaglia): reproducible pseudo-random numbers without Math.random. */
function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function seededBytes(length: number, seed: number): Uint8Array {
  const next = xorshift(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 4) {
    const x = next();
    out[i] = x;
    out[i + 1] = x >>> 8;
    out[i + 2] = x >>> 16;
    out[i + 3] = x >>> 24;
  }
  return out;
}

/** Pushes `data` in pieces whose sizes `pieceSize` chooses, then finishes. */
function cut(data: Uint8Array, key: Uint8Array, sizes: ChunkSizes, pieceSize: () => number = () => data.length): Uint8Array[] {
  const chunker = new FastCdcChunker({ key, ...sizes });
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < data.length; ) {
    const size = pieceSize();
    chunks.push(...chunker.push(data.subarray(at, at + size)));
    at += size;
  }
  const last = chunker.finish();
  if (last !== undefined) chunks.push(last);
  return chunks;
}

const digests = (data: Uint8Array): string[] => cut(data, KEY, DEFAULTS).map((c) => createHash('sha256').update(c).digest('hex'));

const lengths = (chunks: readonly Uint8Array[]): number[] => chunks.map((c) => c.length);

/** The definition of a cut, one byte at a time, hashing every byte from the start of each chunk. */
function referenceLengths(data: Uint8Array, key: Uint8Array, sizes: ChunkSizes): number[] {
  const gear = gearTable(key);
  const { small, large } = normalizedMasks(sizes.avgSize);
  const found: number[] = [];
  let length = 0;
  let hash = 0;
  for (const byte of data) {
    hash = ((hash << 1) + gear[byte]!) >>> 0;
    length++;
    const mask = length < sizes.avgSize ? small : large;
    if (length === sizes.maxSize || (length >= sizes.minSize && (hash & mask) === 0)) {
      found.push(length);
      length = 0;
      hash = 0;
    }
  }
  if (length > 0) found.push(length);
  return found;
}

describe('FastCdcChunker boundaries', () => {
  const golden: { name: string; data: () => Uint8Array; sizes: ChunkSizes; expected: number[] }[] = [
    {
      name: 'a fixed key cuts 192 KiB of seeded bytes at the same places every time (2/8/32 KiB)',
      data: () => seededBytes(192 * KiB, 1),
      sizes: SMALL,
      expected: [7558, 10577, 10003, 8562, 8753, 8856, 10803, 8854, 8413, 11580, 7887, 9079, 14041, 9088, 10473, 9024, 10198, 11319, 16273, 5267],
    },
    {
      name: 'a fixed key cuts 16 MiB of seeded bytes at the same places every time (VM file sizes)',
      data: () => seededBytes(16 * MiB, 2),
      sizes: DEFAULTS,
      expected: [
        1510833, 1124567, 1179855, 1146791, 917418, 1168892, 1694732, 1645046, 1147300, 583393, 1063109, 1961668, 778469, 807869,
        47274,
      ],
    },
  ];
  for (const { name, data, sizes, expected } of golden) {
    test(name, () => assert.deepEqual(lengths(cut(data(), KEY, sizes)), expected));
  }

  const inputs: { name: string; data: () => Uint8Array; sizes: ChunkSizes }[] = [
    { name: 'seeded random bytes, small sizes', data: () => seededBytes(2 * MiB, 3), sizes: SMALL },
    { name: 'seeded random bytes, VM file sizes', data: () => seededBytes(12 * MiB, 4), sizes: DEFAULTS },
    { name: 'low-entropy text-like bytes', data: () => seededBytes(1 * MiB, 5).map((b) => 0x61 + (b & 3)), sizes: SMALL },
    { name: 'a 1000-byte pattern repeated', data: () => seededBytes(1 * MiB, 6).map((_, i, all) => all[i % 1000]!), sizes: SMALL },
    { name: 'all zeros', data: () => new Uint8Array(200 * KiB), sizes: SMALL },
  ];
  for (const { name, data, sizes } of inputs) {
    test(`two bytes per step cut where the byte-at-a-time definition does: ${name}`, () => {
      const input = data();
      assert.deepEqual(lengths(cut(input, KEY, sizes)), referenceLengths(input, KEY, sizes));
      assert.deepEqual(lengths(cut(input, OTHER_KEY, sizes)), referenceLengths(input, OTHER_KEY, sizes));
    });
    test(`every chunk is within [min, max] except the last, which is at most max: ${name}`, () => {
      const found = lengths(cut(data(), KEY, sizes));
      for (const length of found.slice(0, -1)) assert.ok(length >= sizes.minSize && length <= sizes.maxSize, `${length} out of bounds`);
      const last = found.at(-1) ?? 0;
      assert.ok(last >= 1 && last <= sizes.maxSize, `last chunk ${last}`);
    });
    test(`the chunks put back together are the input: ${name}`, () => {
      const input = data();
      assert.deepEqual(Buffer.concat(cut(input, KEY, sizes)), Buffer.from(input));
    });
  }

  test('two keys cut the same input at different places', () => {
    const input = seededBytes(512 * KiB, 7);
    assert.notDeepEqual(lengths(cut(input, KEY, SMALL)), lengths(cut(input, OTHER_KEY, SMALL)));
    const large = seededBytes(16 * MiB, 8);
    assert.notDeepEqual(lengths(cut(large, KEY, DEFAULTS)), lengths(cut(large, OTHER_KEY, DEFAULTS)));
  });

  test('an all-zero input is cut at max', () => {
    assert.deepEqual(lengths(cut(new Uint8Array(20 * MiB), KEY, DEFAULTS)), [8 * MiB, 8 * MiB, 4 * MiB]);
    assert.deepEqual(lengths(cut(new Uint8Array(100 * KiB), KEY, SMALL)), [32 * KiB, 32 * KiB, 32 * KiB, 4 * KiB]);
  });

  test('a 0-byte input yields no chunks, even when empty buffers are pushed', () => {
    const chunker = new FastCdcChunker({ key: KEY });
    assert.deepEqual(chunker.push(new Uint8Array(0)), []);
    assert.deepEqual(chunker.push(new Uint8Array(0)), []);
    assert.equal(chunker.finish(), undefined);
  });

  test('inserting 100 bytes near the start of 32 MiB changes only the first one or two chunks', () => {
    const original = seededBytes(32 * MiB, 9);
    const shifted = Buffer.concat([original.subarray(0, 1000), seededBytes(100, 10), original.subarray(1000)]);
    const before = digests(original);
    const after = digests(shifted);
    let common = 0;
    while (common < Math.min(before.length, after.length) && before.at(-1 - common) === after.at(-1 - common)) common++;
    assert.ok(before.length >= 20, `only ${before.length} chunks`);
    assert.ok(before.length - common <= 2 && after.length - common <= 2, `${before.length - common} and ${after.length - common} chunks differ`);
  });
});

describe('FastCdcChunker streaming', () => {
  const pieces: { name: string; data: () => Uint8Array; sizes: ChunkSizes; pieceSize: () => () => number }[] = [
    { name: '1-byte buffers', data: () => seededBytes(512 * KiB, 11), sizes: SMALL, pieceSize: () => () => 1 },
    { name: '4 KiB buffers', data: () => seededBytes(12 * MiB, 12), sizes: DEFAULTS, pieceSize: () => () => 4 * KiB },
    { name: '1 MiB buffers', data: () => seededBytes(12 * MiB, 12), sizes: DEFAULTS, pieceSize: () => () => MiB },
    { name: 'buffers of random sizes, empty ones included', data: () => seededBytes(12 * MiB, 12), sizes: DEFAULTS, pieceSize: () => { const next = xorshift(13); return () => next() % (300 * KiB); } },
    { name: 'buffers of random sizes around the small chunk sizes', data: () => seededBytes(2 * MiB, 14), sizes: SMALL, pieceSize: () => { const next = xorshift(15); return () => next() % (40 * KiB); } },
  ];
  for (const { name, data, sizes, pieceSize } of pieces) {
    test(`boundaries do not depend on how the stream is split: ${name}`, () => {
      const input = data();
      const whole = cut(input, KEY, sizes);
      const split = cut(input, KEY, sizes, pieceSize());
      assert.deepEqual(lengths(split), lengths(whole));
      assert.deepEqual(Buffer.concat(split), Buffer.from(input));
    });
  }

  test('every chunk is a buffer of its own that survives the caller refilling its read buffer', () => {
    const input = seededBytes(3 * MiB, 16);
    const chunker = new FastCdcChunker({ key: KEY, ...SMALL });
    const readBuffer = new Uint8Array(20 * KiB);
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < input.length; at += readBuffer.length) {
      readBuffer.set(input.subarray(at, at + readBuffer.length));
      chunks.push(...chunker.push(readBuffer.subarray(0, Math.min(readBuffer.length, input.length - at))));
      readBuffer.fill(0xee);
    }
    chunks.push(chunker.finish() ?? new Uint8Array(0));
    for (const chunk of chunks) assert.ok(chunk.byteOffset === 0 && chunk.buffer.byteLength === chunk.length);
    assert.deepEqual(lengths(chunks), referenceLengths(input, KEY, SMALL));
    assert.deepEqual(Buffer.concat(chunks), Buffer.from(input));
  });

  test('after finish or reset the same chunker cuts the next stream as a new one would', () => {
    const input = seededBytes(1 * MiB, 17);
    const chunker = new FastCdcChunker({ key: KEY, ...SMALL });
    const run = () => [...chunker.push(input), chunker.finish()].filter((c) => c !== undefined).map((c) => c.length);
    const first = run();
    chunker.push(input.subarray(0, 5000));
    chunker.reset();
    assert.deepEqual(run(), first);
    assert.deepEqual(first, referenceLengths(input, KEY, SMALL));
  });

  test('chunkStream cuts a Node stream into the same chunks as push and finish', async () => {
    const input = seededBytes(1 * MiB, 18);
    const source = Readable.from(Array.from({ length: 16 }, (_, i) => Buffer.from(input.subarray(i * 64 * KiB, (i + 1) * 64 * KiB))));
    const chunks: Uint8Array[] = [];
    for await (const chunk of new FastCdcChunker({ key: KEY, ...SMALL }).chunkStream(source)) chunks.push(chunk);
    assert.deepEqual(lengths(chunks), lengths(cut(input, KEY, SMALL)));
    assert.deepEqual(Buffer.concat(chunks), Buffer.from(input));
  });

  test('chunkStream of an empty stream yields nothing', async () => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of new FastCdcChunker({ key: KEY }).chunkStream(Readable.from([]))) chunks.push(chunk);
    assert.deepEqual(chunks, []);
  });

  test('chunkStream stops with the signal\'s reason once it aborts', async () => {
    const controller = new AbortController();
    const chunker = new FastCdcChunker({ key: KEY, ...SMALL });
    const source = (async function* () {
      yield seededBytes(64 * KiB, 19);
      controller.abort();
      yield seededBytes(64 * KiB, 20);
    })();
    await assert.rejects(async () => {
      for await (const chunk of chunker.chunkStream(source, controller.signal)) assert.ok(chunk.length > 0);
    }, { name: 'AbortError' });
    assert.equal(chunker.finish(), undefined, 'the aborted stream left nothing pending');
  });

  test('chunkStream refuses a stream of strings with UserErrorInvalidArgument', async () => {
    const chunker = new FastCdcChunker({ key: KEY });
    await assert.rejects(async () => {
      for await (const chunk of chunker.chunkStream(Readable.from(['text']))) assert.ok(chunk);
    }, (error) => isArcaError(error) && error.code === 'UserErrorInvalidArgument' && error.params['name'] === 'source');
  });
});
