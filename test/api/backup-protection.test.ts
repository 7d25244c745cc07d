import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AzureIaaSComputeVMProtectedItem, RecoveryServicesBackupClient } from '@azure/arm-recoveryservicesbackup';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { sdkClients, StoreSeeder } from '../support/backup-fixtures.ts';

const BACKUP = '2023-06-01';
const VAULTS = '2026-07-01';
type ErrorBody = { error: { code: string; message: string } };
type ItemBody = { id: string; name: string; properties: Record<string, unknown> };
const T = '2024-01-01T22:30:00Z';
const policyBody = (policyType: 'V1' | 'V2') => ({
  properties: {
    backupManagementType: 'AzureIaasVM',
    policyType,
    schedulePolicy:
      policyType === 'V1'
        ? { schedulePolicyType: 'SimpleSchedulePolicy', scheduleRunFrequency: 'Daily', scheduleRunTimes: [T] }
        : { schedulePolicyType: 'SimpleSchedulePolicyV2', scheduleRunFrequency: 'Hourly', hourlySchedule: { interval: 6, scheduleWindowStartTime: T, scheduleWindowDuration: 12 } },
    retentionPolicy: { retentionPolicyType: 'LongTermRetentionPolicy', dailySchedule: { retentionTimes: [T], retentionDuration: { count: 14, durationType: 'Days' } } },
    timeZone: 'UTC',
  },
});

const vault = (name: string) => `/resourceGroups/backup-rg/providers/Microsoft.RecoveryServices/vaults/${name}`;

const item = (vm: string, v = 'vault-one') => `${vault(v)}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;app-rg;${vm}/protectedItems/VM;iaasvmcontainerv2;app-rg;${vm}`;

describe('protectable and protected items: enable, stop, resume, soft delete and undelete', () => {
  let dataDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;
  let seeder: StoreSeeder;
  let backup: RecoveryServicesBackupClient;
  const policyId = (name: string, v = 'vault-one') => `/subscriptions/${arm.info.subscriptionId}${vault(v)}/backupPolicies/${name}`;
  const put = (path: string, properties: Record<string, unknown>) =>
    arm.request('PUT', path, { apiVersion: BACKUP, body: { properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', ...properties } } });
  const get = async (path: string) => (await arm.request('GET', path, { apiVersion: BACKUP })).json<ItemBody>();
  const backupNowOf = (vm: string) => arm.request('POST', `${item(vm)}/backup`, { apiVersion: BACKUP, body: { properties: { objectType: 'IaasVMBackupRequest' } } });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-protect-'));
    server = await startServer(dataDir);
    arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    seeder = new StoreSeeder(dataDir, arm.info.subscriptionId);
    backup = sdkClients(arm).backup;
    assert.equal((await arm.request('PUT', '/resourcegroups/backup-rg', { apiVersion: '2021-04-01', body: { location: 'eastus' } })).status, 201);
    for (const name of ['vault-one', 'vault-two']) assert.equal((await arm.request('PUT', vault(name), { apiVersion: VAULTS, body: { location: 'eastus' } })).status, 201);
    for (const [v, p, type] of [['vault-one', 'daily', 'V1'], ['vault-one', 'hourly', 'V2'], ['vault-two', 'daily', 'V1']] as const) {
      assert.equal((await arm.request('PUT', `${vault(v)}/backupPolicies/${p}`, { apiVersion: BACKUP, body: policyBody(type) })).status, 200);
    }
    await seeder.virtualMachine('app-rg', 'web-1', 'eastus');
    await seeder.virtualMachine('app-rg', 'web-2', 'eastus');
    await seeder.virtualMachine('app-rg', 'far-1', 'westeurope');
  });

  after(async () => {
    await seeder?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lists the unprotected machines of the vault\'s region and refreshes containers with 202 then 204', async () => {
    const names = [];
    for await (const found of backup.backupProtectableItems.list('vault-one', 'backup-rg', { filter: "backupManagementType eq 'AzureIaasVM'" })) {
      assert.equal(found.properties?.protectableItemType, 'Microsoft.Compute/virtualMachines');
      assert.equal(found.properties?.protectionState, 'NotProtected');
      names.push(found.name);
    }
    assert.deepEqual(names.toSorted(), ['iaasvmcontainerv2;app-rg;web-1', 'iaasvmcontainerv2;app-rg;web-2']);
    let location = '';
    await backup.protectionContainers.refresh('vault-one', 'backup-rg', 'Azure', { onResponse: (raw) => (location = raw.headers.get('location') ?? '') });
    const opId = new URL(location).pathname.split('/').at(-1) ?? '';
    await backup.protectionContainerRefreshOperationResults.get('vault-one', 'backup-rg', 'Azure', opId);
    assert.equal((await arm.request('GET', location)).status, 204);
  });

  it('enables protection through the SDK: 202, a finished operation, an IRPending item shaped as Azure shows it', async () => {
    let asyncOp = '';
    await backup.protectedItems.createOrUpdate(
      'vault-one', 'backup-rg', 'Azure', 'IaasVMContainer;iaasvmcontainerv2;app-rg;web-1', 'VM;iaasvmcontainerv2;app-rg;web-1',
      { properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', sourceResourceId: seeder.vmId('app-rg', 'web-1'), policyId: policyId('daily') } as AzureIaaSComputeVMProtectedItem },
      { onResponse: (raw) => (asyncOp = raw.headers.get('azure-asyncoperation') ?? '') },
    );
    const status = await arm.request('GET', asyncOp);
    assert.equal(status.json<{ status: string }>().status, 'Succeeded');
    const read = await backup.protectedItems.get('vault-one', 'backup-rg', 'Azure', 'iaasvmcontainerv2;app-rg;web-1', 'iaasvmcontainerv2;app-rg;web-1');
    const props = read.properties as AzureIaaSComputeVMProtectedItem;
    assert.equal(read.name, 'VM;iaasvmcontainerv2;app-rg;web-1');
    assert.equal(props.protectionState, 'IRPending');
    assert.equal(props.friendlyName, 'web-1');
    assert.equal(props.virtualMachineId, seeder.vmId('app-rg', 'web-1'));
    assert.equal(props.policyName, 'daily');
    assert.equal(props.healthStatus, 'Passed');
    assert.equal(props.protectionStatus, 'Healthy');
    assert.equal(props.containerName, 'iaasvmcontainerv2;app-rg;web-1');
    assert.equal(props.isScheduledForDeferredDelete, false);
    const names = [];
    for await (const found of backup.backupProtectableItems.list('vault-one', 'backup-rg')) names.push(found.properties?.friendlyName);
    assert.deepEqual(names, ['web-2'], 'a protected machine is no longer protectable');
  });

  it('refuses a machine protected in another vault, naming that vault, and one that does not exist or is elsewhere', async () => {
    const other = await put(item('web-1', 'vault-two'), { policyId: policyId('daily', 'vault-two') });
    assert.equal(other.status, 409);
    const error = other.json<ErrorBody>().error;
    assert.equal(error.code, 'UserErrorVmAlreadyProtectedInAnotherVault');
    assert.match(error.message, /vault-one/);
    const missing = await put(item('ghost-1'), { policyId: policyId('daily') });
    assert.equal(missing.status, 404);
    assert.equal(missing.json<ErrorBody>().error.code, 'ResourceNotFound');
    const far = await put(item('far-1'), { policyId: policyId('daily') });
    assert.equal(far.json<ErrorBody>().error.code, 'UserErrorVmNotInVaultRegion');
    const noPolicy = await put(item('web-2'), { policyId: policyId('nope') });
    assert.equal(noPolicy.json<ErrorBody>().error.code, 'UserErrorPolicyNotFound');
    const mismatch = await put(item('web-2'), { policyId: policyId('daily'), sourceResourceId: seeder.vmId('app-rg', 'web-1') });
    assert.equal(mismatch.json<ErrorBody>().error.code, 'UserErrorInvalidArgument');
  });

  it('refuses deleting a policy in use and a vault with items', async () => {
    const policy = await arm.request('DELETE', `${vault('vault-one')}/backupPolicies/daily`, { apiVersion: BACKUP });
    assert.equal(policy.json<ErrorBody>().error.code, 'UserErrorPolicyInUse');
    const vaultDelete = await arm.request('DELETE', vault('vault-one'), { apiVersion: VAULTS });
    assert.equal(vaultDelete.json<ErrorBody>().error.code, 'UserErrorVaultNotEmpty');
    const counted = await arm.request('GET', `${vault('vault-one')}/backupPolicies/daily`, { apiVersion: BACKUP });
    assert.equal(counted.json<{ properties: { protectedItemsCount: number } }>().properties.protectedItemsCount, 1);
  });

  it('refuses backup now for a machine that was never protected (its VM exists) and for one that does not exist', async () => {
    const never = await backupNowOf('web-2');
    assert.deepEqual([never.status, never.json<ErrorBody>().error.code], [409, 'UserErrorBcmDatasourceNotPresent']);
    assert.match(never.json<ErrorBody>().error.message, /web-2 is not actively protected/);
    const ghost = await backupNowOf('ghost-1');
    assert.deepEqual([ghost.status, ghost.json<ErrorBody>().error.code], [404, 'ResourceNotFound']);
  });

  it('stops keeping data, resumes, moves to a V2 policy and refuses going back to V1', async () => {
    assert.equal((await put(item('web-1'), { protectionState: 'ProtectionStopped', sourceResourceId: seeder.vmId('app-rg', 'web-1') })).status, 202);
    const stopped = (await get(item('web-1'))).properties;
    assert.equal(stopped.protectionState, 'ProtectionStopped');
    const refusedBackup = await backupNowOf('web-1');
    assert.deepEqual([refusedBackup.status, refusedBackup.json<ErrorBody>().error.code], [409, 'UserErrorBcmDatasourceNotPresent'], 'a stopped item is not backed up');
    assert.equal(stopped.policyId, '');
    assert.equal((await put(item('web-1'), { policyId: policyId('daily') })).status, 202);
    assert.equal((await get(item('web-1'))).properties.protectionState, 'IRPending');
    assert.equal((await put(item('web-1'), { policyId: policyId('hourly') })).status, 202);
    assert.equal((await get(item('web-1'))).properties.policyName, 'hourly');
    const back = await put(item('web-1'), { policyId: policyId('daily') });
    assert.equal(back.json<ErrorBody>().error.code, 'UserErrorPolicyTypeChangeNotAllowed');
  });

  it('deletes data into soft delete, refuses other changes there, keeps the vault, and undeletes', async () => {
    let location = '';
    await backup.protectedItems.delete('vault-one', 'backup-rg', 'Azure', 'IaasVMContainer;iaasvmcontainerv2;app-rg;web-1', 'VM;iaasvmcontainerv2;app-rg;web-1', {
      onResponse: (raw) => (location = raw.headers.get('location') ?? ''),
    });
    assert.equal((await arm.request('GET', location)).status, 204);
    const deleted = (await get(item('web-1'))).properties;
    assert.equal(deleted.isScheduledForDeferredDelete, true);
    assert.equal(deleted.protectionState, 'ProtectionStopped');
    assert.ok(typeof deleted.deferredDeleteTimeInUTC === 'string');
    const refused = await put(item('web-1'), { policyId: policyId('daily') });
    assert.equal(refused.status, 409);
    assert.equal(refused.json<ErrorBody>().error.code, 'UserErrorItemSoftDeleted');
    const softDeletedBackup = await backupNowOf('web-1');
    assert.deepEqual([softDeletedBackup.status, softDeletedBackup.json<ErrorBody>().error.code], [409, 'UserErrorItemSoftDeleted'], 'nor is one in soft delete');
    assert.equal((await arm.request('DELETE', vault('vault-one'), { apiVersion: VAULTS })).json<ErrorBody>().error.code, 'UserErrorVaultNotEmpty');
    const undelete = await put(item('web-1'), { protectionState: 'ProtectionStopped', isRehydrate: true, sourceResourceId: seeder.vmId('app-rg', 'web-1') });
    assert.equal(undelete.status, 202);
    const result = await arm.request('GET', String(undelete.headers.location));
    assert.equal(result.status, 200);
    assert.equal(result.json<ItemBody>().properties.isScheduledForDeferredDelete, false);
    assert.equal(result.json<ItemBody>().properties.protectionState, 'ProtectionStopped');
    const again = await put(item('web-1'), { isRehydrate: true });
    assert.equal(again.json<ErrorBody>().error.code, 'UserErrorItemNotSoftDeleted');
  });

  it('lists protected items with Azure\'s $filter through the SDK, and refuses an unknown filter key', async () => {
    assert.equal((await put(item('web-2'), { policyId: policyId('daily') })).status, 202);
    const all = [];
    for await (const found of backup.backupProtectedItems.list('vault-one', 'backup-rg', { filter: "backupManagementType eq 'AzureIaasVM' and itemType eq 'VM'" })) all.push(found.name);
    assert.deepEqual(all.toSorted(), ['VM;iaasvmcontainerv2;app-rg;web-1', 'VM;iaasvmcontainerv2;app-rg;web-2']);
    const byPolicy = [];
    for await (const found of backup.backupProtectedItems.list('vault-one', 'backup-rg', { filter: "policyName eq 'daily'" })) byPolicy.push(found.name);
    assert.deepEqual(byPolicy, ['VM;iaasvmcontainerv2;app-rg;web-2']);
    const bad = await arm.request('GET', `${vault('vault-one')}/backupProtectedItems?$filter=${encodeURIComponent("color eq 'red'")}`, { apiVersion: BACKUP });
    assert.equal(bad.status, 400);
  });

  it('keeps operators from changing protection and answers junk with 4xx, never 5xx', async () => {
    const operator = arm.as(await seeder.token('BackupOperator'));
    const refused = await operator.request('PUT', item('web-2'), { apiVersion: BACKUP, body: { properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', protectionState: 'ProtectionStopped' } } });
    assert.equal(refused.status, 403);
    const junkBodies: unknown[] = ['x', [], { properties: 'x' }, { properties: { protectedItemType: 5 } }, { properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', policyId: 'not-an-id' } },
      { properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', policyId: policyId('daily'), sourceResourceId: '/x' } }, { properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', isRehydrate: 'yes' } }];
    for (const body of junkBodies) {
      const response = await arm.request('PUT', item('web-2'), { apiVersion: BACKUP, body });
      assert.ok(response.status >= 400 && response.status < 500, `${JSON.stringify(body)}: ${response.status} ${response.body}`);
    }
    const paths = [
      `${vault('vault-one')}/backupFabrics/Azure/protectionContainers/junk/protectedItems/junk`,
      `${vault('vault-one')}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;app-rg;web-1/protectedItems/VM;iaasvmcontainerv2;app-rg;web-2`,
      `${vault('vault-one')}/backupFabrics/Other/protectionContainers/IaasVMContainer;iaasvmcontainerv2;app-rg;web-1/protectedItems/VM;iaasvmcontainerv2;app-rg;web-1`,
      `${item('web-1')}/operationsStatus/no-such-op`,
      `${item('web-2')}/operationResults/${'z'.repeat(400)}`,
    ];
    for (const path of paths) {
      const response = await arm.request('GET', path, { apiVersion: BACKUP });
      assert.ok(response.status >= 400 && response.status < 500, `${path}: ${response.status} ${response.body}`);
    }
  });
});
