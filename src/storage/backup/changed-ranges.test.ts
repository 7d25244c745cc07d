import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedRanges, unchangedChunks } from './changed-ranges.ts';
import { EXTENT_FLAGS, ExtentMap, ExtentMapError, filefragLineParser, xfsIoLineParser } from './extent-map.ts';

const K = 1024;
const { shared: S, last: L, unwritten: U, delalloc: D, unknown: X, merged: M } = EXTENT_FLAGS;

/** [logical, physical, length, flags] in KiB. */
function map(size: number, extents: readonly [number, number, number, number][]): ExtentMap {
  const m = new ExtentMap(size * K);
  for (const [logical, physical, length, flags] of extents) m.push(logical * K, physical * K, length * K, flags);
  return m;
}

const kib = (ranges: readonly { start: number; end: number }[]) => ranges.map((r) => [r.start / K, r.end / K]);

describe('changed ranges from two snapshots’ extent maps', () => {
  const cases: { name: string; size: number; previous: [number, number, number, number][]; current: [number, number, number, number][]; changed: number[][] }[] = [
    { name: 'identical shared extents are unchanged', size: 64, previous: [[0, 1000, 64, S | L]], current: [[0, 1000, 64, S | L]], changed: [] },
    { name: 'the same placement without the shared flag is changed (a file compared with a copy made in place)', size: 64, previous: [[0, 1000, 64, L]], current: [[0, 1000, 64, L]], changed: [[0, 64]] },
    { name: 'a block moved elsewhere (copy on write) is changed, the rest is not', size: 64, previous: [[0, 1000, 64, S | L]], current: [[0, 1000, 16, S], [16, 5000, 4, 0], [20, 1020, 44, S | L]], changed: [[16, 20]] },
    { name: 'extents split differently but lying in the same blocks are unchanged', size: 64, previous: [[0, 1000, 32, S], [32, 1032, 32, S | L]], current: [[0, 1000, 8, S], [8, 1008, 56, S | L]], changed: [] },
    { name: 'the same physical start at another logical offset is changed', size: 64, previous: [[0, 1000, 32, S], [32, 2000, 32, S | L]], current: [[0, 1000, 32, S], [32, 2004, 32, S | L]], changed: [[32, 64]] },
    { name: 'holes in both are unchanged', size: 64, previous: [[0, 1000, 16, S | L]], current: [[0, 1000, 16, S | L]], changed: [] },
    { name: 'a hole in one file only is changed (punched, or truncated and extended)', size: 64, previous: [[0, 1000, 64, S | L]], current: [[0, 1000, 16, S], [48, 1048, 16, S | L]], changed: [[16, 48]] },
    { name: 'data where the previous had a hole is changed', size: 64, previous: [[0, 1000, 16, S | L]], current: [[0, 1000, 16, S], [16, 3000, 8, L]], changed: [[16, 24]] },
    { name: 'unwritten, delayed, unknown or merged extents are changed even in place', size: 64, previous: [[0, 1000, 16, S | U], [16, 1016, 16, S | D], [32, 1032, 16, S | X], [48, 1048, 16, S | M | L]], current: [[0, 1000, 16, S | U], [16, 1016, 16, S | D], [32, 1032, 16, S | X], [48, 1048, 16, S | M | L]], changed: [[0, 64]] },
    { name: 'a whole file gone to holes is changed throughout', size: 64, previous: [[0, 1000, 64, S | L]], current: [], changed: [[0, 64]] },
    { name: 'extents past the end are ignored', size: 10, previous: [[0, 1000, 16, S | L]], current: [[0, 1000, 12, S], [12, 9000, 4, L]], changed: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(kib(changedRanges(map(c.size, c.previous), map(c.size, c.current), c.size * K)), c.changed);
    });
  }

  it('marks unchanged only the chunks no changed range touches, the last short chunk included', () => {
    const flags = unchangedChunks([{ start: 9 * K, end: 10 * K }, { start: 31 * K, end: 33 * K }], 38 * K, 8 * K);
    assert.deepEqual([...flags], [1, 0, 1, 0, 0]);
  });

  it('refuses extents out of order or overlapping', () => {
    const m = map(64, [[0, 1000, 16, S]]);
    assert.throws(() => m.push(8 * K, 2000, 4 * K, S), ExtentMapError);
    assert.throws(() => m.push(32 * K, 2000, 0, S), ExtentMapError);
  });
});

const XFS_IO = `c:
 EXT: FILE-OFFSET      BLOCK-RANGE      TOTAL FLAGS
   0: [0..799]:        192..991           800 0x2000
   1: [800..879]:      41184..41263        80 0x2000
   2: [880..16383]:    1072..16575      15504 0x2000
   3: [16384..18431]:  hole              2048
   4: [18432..40959]:  18624..41151     22528 0x2001
   5: [40960..81919]:  hole             40960`;

const FILEFRAG = `Filesystem type is: 58465342
File size of c is 41943040 (10240 blocks of 4096 bytes)
 ext:     logical_offset:        physical_offset: length:   expected: flags:
   0:        0..      99:         24..       123:    100:             shared
   1:      100..     109:       5148..      5157:     10:        124: shared
   2:      110..    2047:        134..      2071:   1938:       5158: shared
   3:     2304..    5119:       2328..      5143:   2816:             last,shared
c: 3 extents found`;

function parse(make: typeof xfsIoLineParser, text: string, size: number): ExtentMap {
  const m = new ExtentMap(size);
  const parser = make(m);
  for (const line of text.split('\n')) parser.line(line);
  parser.end();
  return m;
}

describe('extent map tools’ output', () => {
  it('reads xfs_io fiemap -v in 512-byte units with its hex flags', () => {
    const m = parse(xfsIoLineParser, XFS_IO, 41943040);
    assert.equal(m.count, 4);
    assert.deepEqual([m.logical(1), m.physical(1), m.length(1), m.flags(1)], [800 * 512, 41184 * 512, 80 * 512, S]);
    assert.equal(m.flags(3), S | L);
  });

  it('reads filefrag -v in the block size it states, flags by name', () => {
    const m = parse(filefragLineParser, FILEFRAG, 41943040);
    assert.equal(m.count, 4);
    assert.deepEqual([m.logical(1), m.physical(1), m.length(1), m.flags(1)], [100 * 4096, 5148 * 4096, 10 * 4096, S]);
    assert.equal(m.flags(3), S | L);
  });

  it('gives the same map from both tools', () => {
    const a = parse(xfsIoLineParser, XFS_IO, 41943040);
    const b = parse(filefragLineParser, FILEFRAG, 41943040);
    assert.deepEqual(changedRanges(a, b, 41943040), []);
  });

  it('takes an unknown filefrag flag as unknown', () => {
    const m = parse(filefragLineParser, FILEFRAG.replace('last,shared', 'last,shared,encrypted'), 41943040);
    assert.equal(m.flags(3) & X, X);
  });

  const broken = [
    { name: 'an xfs_io output cut short (rows do not reach the end)', make: xfsIoLineParser, text: XFS_IO.split('\n').slice(0, 5).join('\n') },
    { name: 'an xfs_io output with a gap between rows', make: xfsIoLineParser, text: XFS_IO.replace('   3: [16384..18431]:  hole              2048\n', '') },
    { name: 'an xfs_io line of unknown shape', make: xfsIoLineParser, text: `${XFS_IO}\nfiemap: something odd` },
    { name: 'xfs_io printing nothing at all', make: xfsIoLineParser, text: '' },
    { name: 'a filefrag output without its closing count', make: filefragLineParser, text: FILEFRAG.split('\n').slice(0, -1).join('\n') },
    { name: 'a filefrag output whose final extent is not marked last', make: filefragLineParser, text: FILEFRAG.replace('last,shared', 'shared') },
    { name: 'a filefrag output for a file of another size', make: filefragLineParser, text: FILEFRAG.replace('41943040', '4096') },
  ];
  for (const { name, make, text } of broken) {
    it(`refuses ${name}`, () => {
      assert.throws(() => parse(make, text, 41943040), ExtentMapError);
    });
  }
});
