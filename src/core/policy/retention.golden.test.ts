import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { applyRetention, type RetentionDecision } from './retention.ts';
import type { RetentionPolicy } from './retention-policy.ts';

/**
 * Every file in testdata/retention/ is one retention decision: points, policy and now, with the
 * decision expected. After a deliberate change of semantics, rewrite the expectations with
 *   UPDATE_GOLDEN=1 node --test src/core/policy/retention.golden.test.ts
 * and read the diff before committing it.
 */

interface Golden {
  readonly description: string;
  readonly timeZone: string;
  readonly now: string;
  readonly retention: RetentionPolicy;
  readonly points: readonly { readonly id: string; readonly time: string }[];
  readonly expected: RetentionDecision;
}

const directory = join(import.meta.dirname, 'testdata', 'retention');
const update = process.env.UPDATE_GOLDEN === '1';
const files = readdirSync(directory).filter((name) => name.endsWith('.json')).toSorted();

/** One item a line, so that a changed decision shows as a changed line. */
function list(items: readonly unknown[], indent: string): string {
  if (items.length === 0) return '[]';
  return `[\n${items.map((item) => `${indent}  ${JSON.stringify(item)}`).join(',\n')}\n${indent}]`;
}

function format(golden: Golden): string {
  return [
    '{',
    `  "description": ${JSON.stringify(golden.description)},`,
    `  "timeZone": ${JSON.stringify(golden.timeZone)},`,
    `  "now": ${JSON.stringify(golden.now)},`,
    `  "retention": ${JSON.stringify(golden.retention)},`,
    `  "points": ${list(golden.points, '  ')},`,
    '  "expected": {',
    `    "keep": ${list(golden.expected.keep, '    ')},`,
    `    "remove": ${list(golden.expected.remove, '    ')}`,
    '  }',
    '}',
    '',
  ].join('\n');
}

describe('retention golden files', () => {
  test('there are at least eight cases', () => assert.ok(files.length >= 8, `found ${files.length}`));

  for (const file of files) {
    const path = join(directory, file);
    const golden = JSON.parse(readFileSync(path, 'utf8')) as Golden;
    test(`${file}: ${golden.description}`, () => {
      const points = golden.points.map(({ id, time }) => ({ id, time: new Date(time) }));
      const actual = applyRetention(points, { retention: golden.retention, timeZone: golden.timeZone }, new Date(golden.now));
      if (update) {
        writeFileSync(path, format({ ...golden, expected: actual }));
        return;
      }
      assert.deepEqual(actual, golden.expected);
      assert.equal(actual.keep.length + actual.remove.length, points.length, 'every point is decided once');
      assert.equal(readFileSync(path, 'utf8'), format(golden), 'the file is in canonical form; run with UPDATE_GOLDEN=1');
    });
  }
});
