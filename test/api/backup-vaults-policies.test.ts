import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AzureIaaSVMProtectionPolicy, SimpleSchedulePolicyV2 } from '@azure/arm-recoveryservicesbackup';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { sdkClients, StoreSeeder } from '../support/backup-fixtures.ts';

const BACKUP = '2023-06-01';
const VAULTS = '2026-07-01';
type ErrorBody = { error: { code: string; message: string } };
const T = new Date('2024-01-01T22:30:00Z');

const dailyV1 = (): AzureIaaSVMProtectionPolicy => ({
  backupManagementType: 'AzureIaasVM',
  schedulePolicy: { schedulePolicyType: 'SimpleSchedulePolicy', scheduleRunFrequency: 'Daily', scheduleRunTimes: [T] },
  retentionPolicy: {
    retentionPolicyType: 'LongTermRetentionPolicy',
    dailySchedule: { retentionTimes: [T], retentionDuration: { count: 30, durationType: 'Days' } },
    monthlySchedule: {
      retentionScheduleFormatType: 'Weekly',
      retentionScheduleWeekly: { daysOfTheWeek: ['Sunday'], weeksOfTheMonth: ['First'] },
      retentionTimes: [T],
      retentionDuration: { count: 12, durationType: 'Months' },
    },
  },
  instantRpRetentionRangeInDays: 2,
  timeZone: 'Pacific Standard Time',
  policyType: 'V1',
});

const hourlyV2 = (): AzureIaaSVMProtectionPolicy => ({
  backupManagementType: 'AzureIaasVM',
  schedulePolicy: {
    schedulePolicyType: 'SimpleSchedulePolicyV2',
    scheduleRunFrequency: 'Hourly',
    hourlySchedule: { interval: 4, scheduleWindowStartTime: new Date('2024-01-01T08:00:00Z'), scheduleWindowDuration: 12 },
  } as SimpleSchedulePolicyV2,
  retentionPolicy: { retentionPolicyType: 'LongTermRetentionPolicy', dailySchedule: { retentionTimes: [T], retentionDuration: { count: 7, durationType: 'Days' } } },
  instantRpRetentionRangeInDays: 5,
  timeZone: 'Europe/Madrid',
  policyType: 'V2',
});

/** hourlyV2 on the wire with some properties replaced. */
const hourlyWith = (...changes: [keyof AzureIaaSVMProtectionPolicy, (properties: AzureIaaSVMProtectionPolicy) => unknown][]) => {
  const properties = hourlyV2();
  const wire: Record<string, unknown> = JSON.parse(JSON.stringify(properties));
  for (const [key, value] of changes) wire[key] = value(properties);
  return { properties: wire };
};
describe('Recovery Services vaults and backup policies, driven by the Azure SDK clients', () => {
  let dataDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;
  let seeder: StoreSeeder;
  const vaultPath = '/resourceGroups/backup-rg/providers/Microsoft.RecoveryServices/vaults/vault-one';

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-vault-'));
    server = await startServer(dataDir);
    arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    seeder = new StoreSeeder(dataDir, arm.info.subscriptionId);
    assert.equal((await arm.request('PUT', '/resourcegroups/backup-rg', { apiVersion: '2021-04-01', body: { location: 'eastus' } })).status, 201);
  });

  after(async () => {
    await seeder?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates a vault through the vaults SDK in one request, then gets and lists it', async () => {
    const { vaults } = sdkClients(arm);
    const created = await vaults.vaults.beginCreateOrUpdateAndWait('backup-rg', 'vault-one', { location: 'East US', sku: { name: 'RS0' }, properties: {} });
    assert.equal(created.id, `/subscriptions/${arm.info.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.RecoveryServices/vaults/vault-one`);
    assert.equal(created.properties?.provisioningState, 'Succeeded');
    assert.deepEqual(created.sku, { name: 'RS0', tier: 'Standard', family: undefined, size: undefined, capacity: undefined });
    assert.equal((await vaults.vaults.get('backup-rg', 'VAULT-ONE')).location, 'eastus');
    const inGroup = [];
    for await (const vault of vaults.vaults.listByResourceGroup('backup-rg')) inGroup.push(vault.name);
    assert.deepEqual(inGroup, ['vault-one']);
    const inSubscription = [];
    for await (const vault of vaults.vaults.listBySubscriptionId()) inSubscription.push(vault.name);
    assert.ok(inSubscription.includes('vault-one'));
  });

  it('refuses a bad sku, a bad name, a missing group and a move to another region', async () => {
    const bad: [string, object, number, string][] = [
      [vaultPath, { location: 'eastus', sku: { name: 'Premium' } }, 400, 'InvalidRequestContent'],
      [vaultPath.replace('vault-one', '1vault'), { location: 'eastus' }, 400, 'UserErrorInvalidArgument'],
      [vaultPath.replace('backup-rg', 'no-such-rg'), { location: 'eastus' }, 404, 'ResourceGroupNotFound'],
      [vaultPath, { location: 'westus' }, 400, 'InvalidRequestContent'],
      [vaultPath, { location: 'eastus', sku: 'Standard' }, 400, 'InvalidRequestContent'],
    ];
    for (const [path, body, status, code] of bad) {
      const response = await arm.request('PUT', path, { apiVersion: VAULTS, body });
      assert.equal(response.status, status, response.body);
      assert.equal(response.json<ErrorBody>().error.code, code);
    }
  });

  it('creates V1 and V2 policies through the backup SDK and reads them back as the SDK models them', async () => {
    const { backup } = sdkClients(arm);
    const v1 = await backup.protectionPolicies.createOrUpdate('vault-one', 'backup-rg', 'daily-policy', { properties: dailyV1() });
    const props = v1.properties as AzureIaaSVMProtectionPolicy;
    assert.equal(v1.id, `/subscriptions/${arm.info.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.RecoveryServices/vaults/vault-one/backupPolicies/daily-policy`);
    assert.equal(props.timeZone, 'Pacific Standard Time');
    assert.equal(props.protectedItemsCount, 0);
    assert.equal((props.schedulePolicy as { scheduleRunTimes: Date[] }).scheduleRunTimes[0]?.toISOString().slice(11, 16), '22:30');
    const v2 = await backup.protectionPolicies.createOrUpdate('vault-one', 'backup-rg', 'hourly-policy', { properties: hourlyV2() });
    const schedule = (v2.properties as AzureIaaSVMProtectionPolicy).schedulePolicy as SimpleSchedulePolicyV2;
    assert.equal(schedule.hourlySchedule?.interval, 4);
    assert.equal(schedule.hourlySchedule?.scheduleWindowDuration, 12);
    const read = await backup.protectionPolicies.get('vault-one', 'backup-rg', 'hourly-policy');
    assert.equal((read.properties as AzureIaaSVMProtectionPolicy).instantRpRetentionRangeInDays, 5);
    const listed = [];
    for await (const policy of backup.backupPolicies.list('vault-one', 'backup-rg', { filter: "backupManagementType eq 'AzureIaasVM'" })) listed.push(policy.name);
    assert.deepEqual(listed.toSorted(), ['daily-policy', 'hourly-policy']);
    const others = [];
    for await (const policy of backup.backupPolicies.list('vault-one', 'backup-rg', { filter: "backupManagementType eq 'AzureWorkload'" })) others.push(policy.name);
    assert.deepEqual(others, []);
  });

  it('refuses invalid policies with the catalog\'s policy codes', async () => {
    const cases: [string, object, string][] = [
      ['interval 5', hourlyWith(['schedulePolicy', (p) => ({ ...p.schedulePolicy, hourlySchedule: { interval: 5, scheduleWindowStartTime: T, scheduleWindowDuration: 12 } })]), 'UserErrorInvalidSchedule'],
      ['instant 6 days', hourlyWith(['instantRpRetentionRangeInDays', () => 6]), 'UserErrorInstantRpRetentionOutOfRange'],
      ['unknown zone', hourlyWith(['timeZone', () => 'Atlantis Standard Time']), 'UserErrorInvalidTimeZone'],
      ['3 days', hourlyWith(['retentionPolicy', () => ({ retentionPolicyType: 'LongTermRetentionPolicy', dailySchedule: { retentionTimes: [T], retentionDuration: { count: 3, durationType: 'Days' } } })]), 'UserErrorInvalidRetention'],
      ['V2 to V1', hourlyWith(['policyType', () => 'V1'], ['schedulePolicy', () => dailyV1().schedulePolicy]), 'UserErrorPolicyTypeChangeNotAllowed'],
      ['no properties', {}, 'InvalidRequestContent'],
    ];
    for (const [what, wire, code] of cases) {
      const response = await arm.request('PUT', `${vaultPath}/backupPolicies/hourly-policy`, { apiVersion: BACKUP, body: wire });
      assert.ok(response.status >= 400 && response.status < 500, `${what}: ${response.status}`);
      assert.equal(response.json<ErrorBody>().error.code, code, what);
    }
    const missing = await arm.request('GET', `${vaultPath}/backupPolicies/nope-policy`, { apiVersion: BACKUP });
    assert.equal(missing.json<ErrorBody>().error.code, 'UserErrorPolicyNotFound');
    const noVault = await arm.request('GET', `${vaultPath.replace('vault-one', 'vault-none')}/backupPolicies`, { apiVersion: BACKUP });
    assert.equal(noVault.status, 404);
  });

  it('keeps readers and operators from creating vaults and policies', async () => {
    const reader = arm.as(await seeder.token('Reader'));
    const operator = arm.as(await seeder.token('BackupOperator'));
    assert.equal((await reader.request('GET', vaultPath, { apiVersion: VAULTS })).status, 200);
    const refused = await reader.request('PUT', vaultPath.replace('vault-one', 'vault-two'), { apiVersion: VAULTS, body: { location: 'eastus' } });
    assert.equal(refused.status, 403);
    assert.equal(refused.json<ErrorBody>().error.code, 'AuthorizationFailed');
    const policy = await operator.request('PUT', `${vaultPath}/backupPolicies/op-policy`, { apiVersion: BACKUP, body: { properties: dailyV1() } });
    assert.equal(policy.status, 403);
    assert.equal((await operator.request('DELETE', vaultPath, { apiVersion: VAULTS })).status, 403);
  });

  it('deletes a policy through the SDK poller and an empty vault with its policies', async () => {
    const { backup, vaults } = sdkClients(arm);
    await backup.protectionPolicies.beginDeleteAndWait('vault-one', 'backup-rg', 'daily-policy');
    assert.equal((await arm.request('GET', `${vaultPath}/backupPolicies/daily-policy`, { apiVersion: BACKUP })).status, 404);
    await vaults.vaults.beginDeleteAndWait('backup-rg', 'vault-one');
    assert.equal((await arm.request('GET', vaultPath, { apiVersion: VAULTS })).status, 404);
    assert.equal((await arm.request('DELETE', vaultPath, { apiVersion: VAULTS })).status, 204);
  });
});
