import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONSISTENCIES, parseConsistency, toRecoveryPointType } from './recovery-point-consistency.ts';

describe('recovery point consistency', () => {
  it('writes application consistency the way the backup API spells it', () => {
    assert.equal(toRecoveryPointType('ApplicationConsistent'), 'AppConsistent');
    assert.equal(toRecoveryPointType('CrashConsistent'), 'CrashConsistent');
  });

  it('reads back every value it writes', () => {
    for (const consistency of CONSISTENCIES) assert.equal(parseConsistency(toRecoveryPointType(consistency)), consistency);
  });

  const reads: [input: string, expected: string | undefined][] = [
    ['AppConsistent', 'ApplicationConsistent'],
    ['applicationconsistent', 'ApplicationConsistent'],
    ['FILESYSTEMCONSISTENT', 'FileSystemConsistent'],
    ['Consistent', undefined],
    ['', undefined],
  ];
  for (const [input, expected] of reads) {
    it(`reads "${input}" as ${expected ?? 'nothing'}`, () => assert.equal(parseConsistency(input), expected));
  }
});
