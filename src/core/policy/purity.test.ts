import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';

/** src/core is pure: this folder's code reads no clock, draws no random numbers and imports only core. */

const folder = import.meta.dirname;
const core = resolve(folder, '..');
const sources = readdirSync(folder).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));

describe('the policy folder stays pure', () => {
  for (const name of sources) {
    const text = readFileSync(join(folder, name), 'utf8');
    test(`${name} imports only relative files inside src/core, with their .ts extension`, () => {
      for (const [, specifier = ''] of text.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)) {
        assert.ok(specifier.startsWith('.'), `${specifier} is not relative`);
        assert.ok(specifier.endsWith('.ts'), `${specifier} lacks .ts`);
        assert.ok(resolve(folder, specifier).startsWith(core + '/'), `${specifier} leaves src/core`);
      }
    });
    test(`${name} reads no clock and no randomness`, () => {
      assert.doesNotMatch(text, /Date\.now\(|new Date\(\)|Math\.random|performance\.now/);
    });
    test(`${name} is kebab-case and well under 300 lines`, () => {
      assert.match(name, /^[a-z0-9]+(-[a-z0-9]+)*\.ts$/);
      assert.ok(text.split('\n').length < 250, `${name} has ${text.split('\n').length} lines`);
    });
  }
});
