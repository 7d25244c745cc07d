import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareAgentVersions, isAgentVersion, newestAgentVersion } from './agent-version.ts';

describe('agent versions', () => {
  const ordered: [string, string, string][] = [
    ['a higher patch is newer', '0.1.1', '0.1.0'],
    ['numbers compare as numbers, not text', '0.10.0', '0.9.9'],
    ['a major version outranks minor and patch', '2.0.0', '1.99.99'],
    ['a release is newer than its pre-release', '1.0.0', '1.0.0-rc.1'],
    ['numeric pre-release parts compare as numbers', '1.0.0-rc.10', '1.0.0-rc.9'],
    ['a longer pre-release with an equal start is newer', '1.0.0-alpha.1', '1.0.0-alpha'],
    ['text pre-release parts outrank numeric ones', '1.0.0-alpha.beta', '1.0.0-alpha.1'],
    ['any version is newer than text that is not one', '0.0.1', 'unknown'],
  ];
  for (const [name, newer, older] of ordered) {
    it(name, () => {
      assert.equal(compareAgentVersions(newer, older), 1);
      assert.equal(compareAgentVersions(older, newer), -1);
    });
  }

  it('equal versions compare equal', () => assert.equal(compareAgentVersions('1.2.3-rc.1', '1.2.3-rc.1'), 0));

  const refused = ['1.2', '01.2.3', '1.2.3+build', '1.2.3-', '1.2.3-rc.01', 'v1.2.3', '../1.2.3', '1.2.3/..', ''];
  for (const text of refused) it(`"${text}" is not an agent version`, () => assert.equal(isAgentVersion(text), false));

  it('the newest of a list skips what is not a version', () => assert.equal(newestAgentVersion(['0.1.0', 'junk', '0.10.0', '0.2.0-rc.1']), '0.10.0'));
});
