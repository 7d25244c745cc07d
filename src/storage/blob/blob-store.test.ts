import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidKey, isValidPrefix } from './blob-store.ts';

const KEYS: readonly [string, boolean][] = [
  ['config', true],
  ['data/3f/3f9a0c', true],
  ['a.b-c_d/...', true],
  ['..', false],
  ['a/./b', false],
  ['.tmp~/x', false],
  ['a/', false],
  ['/a', false],
];

const PREFIXES: readonly [string, boolean][] = [
  ['', true],
  ['data/', true],
  ['data/3', true],
  ['..', true],
  ['data/..', true],
  ['../', false],
  ['data/../x', false],
  ['/', false],
  ['a//', false],
  ['DATA', false],
  ['x'.repeat(513), false],
];

describe('key and prefix rules', () => {
  for (const [key, valid] of KEYS) {
    it(`${valid ? 'accepts' : 'refuses'} the key "${key}"`, () => assert.equal(isValidKey(key), valid));
  }
  for (const [prefix, valid] of PREFIXES) {
    it(`${valid ? 'accepts' : 'refuses'} the prefix "${prefix.length > 20 ? `${prefix.slice(0, 20)}…` : prefix}"`, () =>
      assert.equal(isValidPrefix(prefix), valid));
  }
});
