import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { FastCdcChunker, normalizedMasks } from './fastcdc.ts';
import { gearTable } from './gear-table.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const OTHER_KEY = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);

const bitCount = (x: number): number => x.toString(2).split('').filter((b) => b === '1').length;

describe('chunk sizes, normalized masks and the keyed Gear table', () => {
  const invalid: { name: string; options: () => Record<string, unknown>; param: string }[] = [
    { name: 'an average that is not a power of two is refused', options: () => ({ avgSize: 1_000_000 }), param: 'avgSize' },
    { name: 'a minimum equal to the average is refused', options: () => ({ minSize: MiB, avgSize: MiB }), param: 'minSize' },
    { name: 'a minimum above the average is refused', options: () => ({ minSize: 2 * MiB }), param: 'minSize' },
    { name: 'a maximum equal to the average is refused', options: () => ({ maxSize: MiB }), param: 'maxSize' },
    { name: 'a maximum above 64 MiB is refused', options: () => ({ avgSize: 16 * MiB, maxSize: 128 * MiB }), param: 'maxSize' },
    { name: 'a minimum below 64 bytes is refused', options: () => ({ minSize: 32, avgSize: 256, maxSize: 1024 }), param: 'minSize' },
    { name: 'a fractional size is refused', options: () => ({ minSize: 1000.5 }), param: 'minSize' },
    { name: 'a negative size is refused', options: () => ({ maxSize: -1 }), param: 'maxSize' },
    { name: 'a key of 16 bytes is refused', options: () => ({ key: new Uint8Array(16) }), param: 'key' },
    { name: 'a key given as a string is refused', options: () => ({ key: 'k'.repeat(32) }), param: 'key' },
  ];
  for (const { name, options, param } of invalid) {
    test(name, () => {
      assert.throws(
        () => new FastCdcChunker({ key: KEY, ...options() } as never),
        (error) => isArcaError(error) && error.code === 'UserErrorInvalidArgument' && error.params['name'] === param,
      );
    });
  }

  test('the same key always derives the same Gear table, and another key another table', () => {
    assert.deepEqual(gearTable(Uint8Array.from(KEY)), gearTable(KEY));
    assert.notDeepEqual(gearTable(OTHER_KEY), gearTable(KEY));
  });

  test('defaults are 512 KiB / 1 MiB / 8 MiB, and a 64 MiB maximum is still allowed', () => {
    assert.deepEqual(new FastCdcChunker({ key: KEY }).sizes, { minSize: 512 * KiB, avgSize: MiB, maxSize: 8 * MiB });
    assert.equal(new FastCdcChunker({ key: KEY, avgSize: 16 * MiB, maxSize: 64 * MiB }).sizes.maxSize, 64 * MiB);
  });

  test('level-2 masks have two more and two fewer bits than log2(avg), below bit 31', () => {
    const { small, large } = normalizedMasks(MiB);
    assert.deepEqual([bitCount(small), bitCount(large)], [22, 18]);
    assert.equal((small | large) >>> 31, 0);
    assert.equal((small & large) >>> 0, large, 'the large mask is part of the small one');
  });
});
