import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detailIn, type Finding } from '../../../agent/doctor/check.ts';
import type { BackupApi } from '../../../client/backup-api.ts';
import { policyCheck, type VaultContext } from './vault-checks.ts';

/**
 * Policy sanity, through the check's input: the vault refuses to create a V1 policy with two run
 * times or instant retention outside 1–5 days (UserErrorInvalidSchedule,
 * UserErrorInstantRpRetentionOutOfRange at PUT), so such a policy can only come from an older
 * vault or a hand-edited store. The API here is a stand-in that answers with that policy.
 */
function contextWith(properties: Record<string, unknown>): VaultContext {
  const api = {
    getProtectedItem: async () => ({ id: '/item', name: 'item', properties: { policyId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/vault-1/backupPolicies/odd' } }),
    getPolicy: async (_vault: unknown, name: string) => ({ id: `/policies/${name}`, name, properties }),
  } as unknown as BackupApi;
  return { api, vault: { name: 'vault-1', resourceGroup: 'rg' }, vm: { resourceGroup: 'rg', name: 'db-1', resource: {} as never }, now: new Date() };
}

const run = async (properties: Record<string, unknown>) => [await policyCheck.run(contextWith(properties), new AbortController().signal)].flat() as Finding[];

describe('vault.policy', () => {
  it('a V1 policy with two backups a day and instant points kept 30 days fails twice, with both codes', async () => {
    const findings = await run({ policyType: 'V1', schedulePolicy: { scheduleRunFrequency: 'Daily', scheduleRunTimes: ['2024-01-01T02:00:00Z', '2024-01-01T14:00:00Z'] }, instantRpRetentionRangeInDays: 30 });
    assert.deepEqual(findings.map((f) => [f.status, f.code]), [['FAIL', 'UserErrorInvalidSchedule'], ['FAIL', 'UserErrorInstantRpRetentionOutOfRange']]);
    assert.match(detailIn(findings[0]?.detail ?? '', 'en'), /policy odd \(V1\) schedules 2 backups a day; V1 allows one/);
    assert.deepEqual(findings[1]?.params, { days: 30, min: 1, max: 5 });
    assert.equal(detailIn(findings[1]?.detail ?? '', 'es'), 'la directiva odd conserva los puntos instantáneos 30 días');
  });

  it('a V1 policy keeping instant points 0 days fails with UserErrorInstantRpRetentionOutOfRange', async () => {
    const findings = await run({ policyType: 'V1', schedulePolicy: { scheduleRunFrequency: 'Daily', scheduleRunTimes: ['2024-01-01T02:00:00Z'] }, instantRpRetentionRangeInDays: 0 });
    assert.deepEqual(findings.map((f) => [f.status, f.code]), [['FAIL', 'UserErrorInstantRpRetentionOutOfRange']]);
  });

  it('a V2 hourly policy keeping instant points 5 days passes', async () => {
    const findings = await run({ policyType: 'V2', schedulePolicy: { scheduleRunFrequency: 'Hourly', hourlySchedule: { interval: 4 } }, instantRpRetentionRangeInDays: 5 });
    assert.deepEqual(findings.map((f) => f.status), ['PASS']);
  });
});
