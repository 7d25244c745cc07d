import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRecoveryPointTier, recoveryTypeLabel, type RecoveryPointTier } from './recovery-point-tier.ts';

describe('recovery point tiers', () => {
  const labels: { name: string; tiers: RecoveryPointTier[]; expected: string | undefined }[] = [
    { name: 'a point only in the restore point collection is a snapshot', tiers: ['InstantRP'], expected: 'Snapshot' },
    { name: 'a point only in the repository is vault-standard', tiers: ['HardenedRP'], expected: 'Vault-Standard' },
    {
      name: 'a point in both tiers names both, whatever the order',
      tiers: ['HardenedRP', 'InstantRP'],
      expected: 'Snapshot and Vault-Standard',
    },
    { name: 'an archived point is vault-archive', tiers: ['ArchivedRP'], expected: 'Vault-Archive' },
    { name: 'a point in no tier has no label', tiers: [], expected: undefined },
  ];
  for (const { name, tiers, expected } of labels) {
    it(name, () => assert.equal(recoveryTypeLabel(tiers), expected));
  }

  it('reads a tier name in any case and returns its canonical spelling', () => {
    assert.equal(parseRecoveryPointTier('instantrp'), 'InstantRP');
    assert.equal(parseRecoveryPointTier('Snapshot'), undefined);
    assert.equal(parseRecoveryPointTier('Invalid'), undefined);
  });
});
