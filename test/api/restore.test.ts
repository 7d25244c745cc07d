import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IaasVMRestoreRequest, RecoveryServicesBackupClient, ValidateIaasVMRestoreOperationRequest } from '@azure/arm-recoveryservicesbackup';
import { writeImage } from '../../src/storage/testing/fixtures.ts';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { sdkClients } from '../support/backup-fixtures.ts';
import { RecoveryPointSeeder, writeRepositoryPoint } from '../support/restore-fixtures.ts';

const V = { backup: '2023-06-01', vaults: '2026-07-01', groups: '2021-04-01', compute: '2023-03-01', storage: '2023-01-01', network: '2023-05-01', keyVault: '2022-07-01', arca: '2026-11-01' };
const MIB = 1024 * 1024;
const T = '2024-01-01T22:30:00Z';
type ErrorBody = { error: { code: string; message: string } };
type OpStatus = { status: string; error?: { code: string; message: string }; properties?: { jobId: string } };
type Job = { properties: { operation: string; status: string; extendedInfo: { tasksList: { taskId: string; status: string }[]; propertyBag: Record<string, string> } } };
type Vm = { properties: { createdBy: string; storageProfile: { osDisk: { name: string; path?: string }; dataDisks: { lun: number; path?: string }[] }; networkProfile?: { subnetId: string; domainNameLabel?: string } }; location: string };

const VAULT = '/resourceGroups/backup-rg/providers/Microsoft.RecoveryServices/vaults/vault-r';
const container = (vm: string) => `IaasVMContainer;iaasvmcontainerv2;app-rg;${vm}`;
const itemName = (vm: string) => `VM;iaasvmcontainerv2;app-rg;${vm}`;
/** A snapshot kept in the instant tier for `days` more days (negative: expired). */
const instant = (days: number) => ({ collectionId: 'c', pointName: 'p', expiresAt: new Date(Date.now() + days * 86_400_000).toISOString() });
const itemPath = (vm: string) => `${VAULT}/backupFabrics/Azure/protectionContainers/${container(vm)}/protectedItems/${itemName(vm)}`;

/**
 * Restore of recovery points through the API and the published SDK. The recovery points are made
 * by test fixtures (a repository point written with the storage engine, a record in the store), not
 * by a backup: see test/support/restore-fixtures.ts.
 */
describe('restore: disks, alternate and original location, and every validation refusal', () => {
  let dataDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;
  let backup: RecoveryServicesBackupClient;
  let seeder: RecoveryPointSeeder;
  const images: string[] = [];
  let sub = '';
  const id = (path: string) => `/subscriptions/${sub}${path}`;
  const vmId = (vm: string, rg = 'app-rg') => id(`/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${vm}`);
  const account = (name: string) => id(`/resourceGroups/storage-rg/providers/Microsoft.Storage/storageAccounts/${name}`);
  const subnet = (vnet: string, name: string) => id(`/resourceGroups/target-rg/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${name}`);
  const keyVault = (name: string) => id(`/resourceGroups/app-rg/providers/Microsoft.KeyVault/vaults/${name}`);

  const put = async (path: string, apiVersion: string, body: unknown, expected = [200, 201, 202]) => {
    const response = await arm.request('PUT', path, { apiVersion, body });
    assert.ok(expected.includes(response.status), `PUT ${path}: ${response.status} ${response.body}`);
    return response;
  };
  const restoreBody = (vm: string, properties: Record<string, unknown>) => ({
    properties: { objectType: 'IaasVMRestoreRequest', recoveryType: 'RestoreDisks', sourceResourceId: vmId(vm), storageAccountId: account('restoresa'), ...properties },
  });
  const restore = (vm: string, rp: string, properties: Record<string, unknown> = {}) =>
    arm.request('POST', `${itemPath(vm)}/recoveryPoints/${rp}/restore`, { apiVersion: V.backup, body: restoreBody(vm, properties) });

  /** Follows an operation's status resource until it ends (the job runs in the server, asynchronously). */
  async function finished(asyncOperation: string): Promise<OpStatus> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const status = (await arm.request('GET', asyncOperation)).json<OpStatus>();
      if (status.status !== 'InProgress') return status;
      assert.ok(Date.now() < deadline, `operation ${asyncOperation} still InProgress`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const job = async (name: string) => (await arm.request('GET', `${VAULT}/backupJobs/${name}`, { apiVersion: V.backup })).json<Job>();

  async function protectVm(name: string, disks: Record<string, unknown>): Promise<string> {
    await put(`/resourceGroups/app-rg/providers/Microsoft.Compute/virtualMachines/${name}`, V.compute, { location: 'eastus', properties: { hardwareProfile: { vmSize: 'Standard_B2s' }, storageProfile: disks } });
    await put(itemPath(name), V.backup, { properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', sourceResourceId: vmId(name), policyId: id(`${VAULT}/backupPolicies/daily`) } }, [202]);
    return (await arm.request('GET', itemPath(name), { apiVersion: V.backup })).json<{ id: string }>().id;
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-restore-'));
    server = await startServer(dataDir, ['--retry-after', '0']);
    arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    sub = arm.info.subscriptionId;
    backup = sdkClients(arm).backup;
    seeder = new RecoveryPointSeeder(dataDir);
    for (const rg of ['app-rg', 'backup-rg', 'target-rg', 'storage-rg', 'full-rg']) await put(`/resourcegroups/${rg}`, V.groups, { location: 'eastus' });
    await put(VAULT, V.vaults, { location: 'eastus' });
    const retention = { retentionPolicyType: 'LongTermRetentionPolicy', dailySchedule: { retentionTimes: [T], retentionDuration: { count: 14, durationType: 'Days' } } };
    await put(`${VAULT}/backupPolicies/daily`, V.backup, { properties: { backupManagementType: 'AzureIaasVM', policyType: 'V1', schedulePolicy: { schedulePolicyType: 'SimpleSchedulePolicy', scheduleRunFrequency: 'Daily', scheduleRunTimes: [T] }, retentionPolicy: retention, timeZone: 'UTC' } });
    for (const [name, location, sku, status] of [['restoresa', 'eastus', 'Standard_LRS', 'available'], ['farsa', 'westeurope', 'Standard_GRS', 'available'], ['premsa', 'eastus', 'Premium_LRS', 'available'], ['offsa', 'eastus', 'Standard_LRS', 'unavailable']] as const) {
      await put(`/resourceGroups/storage-rg/providers/Microsoft.Storage/storageAccounts/${name}`, V.storage, { location, sku: { name: sku }, kind: 'StorageV2', properties: { statusOfPrimary: status } });
    }
    await put('/resourceGroups/target-rg/providers/Microsoft.Network/virtualNetworks/vnet-1', V.network, { location: 'eastus', properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] }, subnets: [{ name: 'default', properties: { addressPrefix: '10.0.0.0/24' } }] } });
    await put('/resourceGroups/target-rg/providers/Microsoft.Network/publicIPAddresses/taken-ip', V.network, { location: 'eastus', properties: { publicIPAllocationMethod: 'Static', dnsSettings: { domainNameLabel: 'takenlabel' } } });
    await put('/resourceGroups/full-rg/providers/Arca.Management/quotas/virtualMachines', V.arca, { properties: { limit: 0 } });
    await put('/resourceGroups/app-rg/providers/Microsoft.KeyVault/vaults/kv-1', V.keyVault, { location: 'eastus', properties: { tenantId: arm.info.tenantId, sku: { family: 'A', name: 'standard' }, accessPolicies: [], enabledForDiskEncryption: true } });

    // Disk images with holes, backed up into the server's own repository.
    for (const [name, size, seed] of [['os.img', 5 * MIB, 1], ['data.img', 2 * MIB + 4096, 2]] as const) {
      const path = join(dataDir, name);
      await writeImage(path, { size, seed, zeroShare: 0.4 });
      images.push(path);
    }
    const { manifestId, sizes } = await writeRepositoryPoint(dataDir, images);
    const disks = [{ name: 'web-1-os', sizeBytes: sizes[0] as number }, { name: 'web-1-data', lun: 0, sizeBytes: sizes[1] as number }];
    const vaultId = id(VAULT);
    const plain = { osDisk: { name: 'web-1-os', osType: 'Linux', diskSizeGB: 1 }, dataDisks: [{ lun: 0, name: 'web-1-data', diskSizeGB: 1 }] };
    const items: Record<string, string> = {};
    for (const vm of ['web-1', 'web-2']) items[vm] = await protectVm(vm, plain);
    const secretUrl = 'https://kv-1.vault.local/secrets/bek-1';
    const keyUrl = 'https://kv-1.vault.local/keys/kek-1';
    items['enc-kek'] = await protectVm('enc-kek', { osDisk: { name: 'web-1-os', diskSizeGB: 1, encryption: { type: 'BEKAndKEK', keyVaultId: keyVault('kv-1'), secretUrl, keyUrl } } });
    items['enc-bek'] = await protectVm('enc-bek', { osDisk: { name: 'web-1-os', diskSizeGB: 1, encryption: { type: 'BEK', keyVaultId: keyVault('kv-1'), secretUrl } } });
    const point = (vm: string, name: string, extra: Partial<Parameters<RecoveryPointSeeder['point']>[0]> = {}) =>
      seeder.point({ itemId: items[vm] as string, vaultId, vmId: vmId(vm), name, time: new Date().toISOString(), manifestId, disks, ...extra });
    for (const vm of ['web-1', 'web-2']) await point(vm, 'rp-1', { instant: instant(2) });
    await point('web-1', 'rp-snap', { manifestId: undefined, instant: instant(2) });
    await point('web-1', 'rp-gone', { manifestId: undefined, instant: instant(-1) });
    await point('web-1', 'rp-lost', { manifestId: '20240101-000000-deadbeef' });
    const encrypted = (kek: boolean) => ({ isSourceVMEncrypted: true, keyAndSecret: { bekDetails: { secretUrl, secretVaultId: keyVault('kv-1') }, ...(kek ? { kekDetails: { keyUrl, keyVaultId: keyVault('kv-1') } } : {}) } });
    await point('enc-kek', 'rp-1', { disks: disks.slice(0, 1), properties: encrypted(true) });
    await point('enc-bek', 'rp-1', { disks: disks.slice(0, 1), properties: encrypted(false) });
  });

  after(async () => {
    await seeder?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('restores the disks through the SDK: 202, the operation until Succeeded, a Restore job, and files equal to the disks, sparse', async () => {
    let asyncOperation = '';
    const properties = { objectType: 'IaasVMRestoreRequest', recoveryType: 'RestoreDisks', sourceResourceId: vmId('web-1'), storageAccountId: account('restoresa'), region: 'eastus', createNewCloudService: false, originalStorageAccountOption: false } as IaasVMRestoreRequest;
    await backup.restores.beginTriggerAndWait('vault-r', 'backup-rg', 'Azure', container('web-1'), itemName('web-1'), 'rp-1', { properties }, {
      updateIntervalInMs: 50,
      onResponse: (raw) => (asyncOperation ||= raw.headers.get('azure-asyncoperation') ?? ''),
    });
    assert.match(asyncOperation, /\/vaults\/vault-r\/backupOperations\/[0-9a-f-]+\?api-version=2023-06-01$/);
    const status = await finished(asyncOperation);
    assert.equal(status.status, 'Succeeded');
    const jobName = status.properties?.jobId ?? '';
    const done = await job(jobName);
    assert.equal(done.properties.operation, 'Restore');
    assert.equal(done.properties.status, 'Completed');
    assert.deepEqual(done.properties.extendedInfo.tasksList.map((t) => [t.taskId, t.status]), [['Transfer data from vault', 'Completed'], ['Create restored disks', 'Completed']]);
    const bag = done.properties.extendedInfo.propertyBag;
    assert.equal(bag['Job Type'], 'Recover disks');
    assert.equal(bag['Target Storage Account Name'], 'restoresa');
    const folder = join(dataDir, 'storage-accounts', 'restoresa', `arca-restore-${jobName}`);
    assert.equal(bag['Config Blob Container Name'], `arca-restore-${jobName}`);
    assert.deepEqual((await readdir(folder)).toSorted(), [bag['Config Blob Name'], 'web-1-data.img', 'web-1-os.img'].toSorted());
    for (const [file, source] of [['web-1-os.img', images[0]], ['web-1-data.img', images[1]]] as const) {
      const restored = await readFile(join(folder, file));
      assert.ok(restored.equals(await readFile(source as string)), `${file} is the disk byte for byte`);
      const info = await stat(join(folder, file));
      assert.ok(info.blocks * 512 < info.size, `${file} is sparse (${info.blocks * 512} bytes allocated of ${info.size})`);
    }
    const config = JSON.parse(await readFile(join(folder, bag['Config Blob Name'] as string), 'utf8')) as { vmName: string; disks: { name: string }[] };
    assert.equal(config.vmName, 'web-1');
    assert.deepEqual(config.disks.map((d) => d.name), ['web-1-os', 'web-1-data']);
  });

  it('restores to an alternate location: a new stopped machine in the target group, on the subnet, its disks the restored files', async () => {
    const asked = await restore('web-1', 'rp-1', { recoveryType: 'AlternateLocation', targetResourceGroupId: id('/resourceGroups/target-rg'), targetVirtualMachineId: vmId('web-1-copy', 'target-rg'), subnetId: subnet('vnet-1', 'default'), targetDomainNameId: 'web-1-copy', restoreDiskLunList: [] });
    assert.equal(asked.status, 202, asked.body);
    assert.match(String(asked.headers.location), /\/protectedItems\/VM;iaasvmcontainerv2;app-rg;web-1\/operationResults\//);
    const status = await finished(String(asked.headers['azure-asyncoperation']));
    assert.equal(status.status, 'Succeeded', JSON.stringify(status));
    const vm = (await arm.request('GET', '/resourceGroups/target-rg/providers/Microsoft.Compute/virtualMachines/web-1-copy', { apiVersion: V.compute })).json<Vm>();
    assert.equal(vm.location, 'eastus');
    assert.equal(vm.properties.createdBy, 'api');
    assert.deepEqual(vm.properties.networkProfile, { subnetId: subnet('vnet-1', 'default'), domainNameLabel: 'web-1-copy' });
    assert.deepEqual(vm.properties.storageProfile.dataDisks, [], 'an empty lun list restores the OS disk only');
    const path = vm.properties.storageProfile.osDisk.path ?? '';
    assert.match(path, new RegExp(`storage-accounts/restoresa/arca-restore-${status.properties?.jobId}/web-1-os\\.img$`));
    assert.ok((await readFile(path)).equals(await readFile(images[0] as string)));
    const view = (await arm.request('GET', '/resourceGroups/target-rg/providers/Microsoft.Compute/virtualMachines/web-1-copy/instanceView', { apiVersion: V.compute })).json<{ statuses: { code: string }[] }>();
    assert.ok(view.statuses.some((s) => s.code === 'PowerState/stopped'));
    const ip = (await arm.request('GET', '/resourceGroups/target-rg/providers/Microsoft.Network/publicIPAddresses/web-1-copy-ip', { apiVersion: V.network })).json<{ properties: { dnsSettings: { domainNameLabel: string } } }>();
    assert.equal(ip.properties.dnsSettings.domainNameLabel, 'web-1-copy', 'the DNS name is held by the machine\'s public IP address');
    const again = await restore('web-1', 'rp-1', { recoveryType: 'AlternateLocation', targetVirtualMachineId: vmId('web-1-copy', 'target-rg'), subnetId: subnet('vnet-1', 'default'), targetDomainNameId: 'web-1-copy' });
    assert.equal(again.json<ErrorBody>().error.code, 'UserErrorDnsNameAlreadyExists');
    const taken = await restore('web-1', 'rp-1', { recoveryType: 'AlternateLocation', targetVirtualMachineId: vmId('web-1-copy', 'target-rg'), subnetId: subnet('vnet-1', 'default') });
    assert.equal(taken.json<ErrorBody>().error.code, 'ResourceAlreadyExists');
  });

  it('restores to the original location only once the machine is stopped, then points its disks at the restored files', async () => {
    const running = await restore('web-2', 'rp-1', { recoveryType: 'OriginalLocation' });
    assert.equal(running.status, 409);
    assert.equal(running.json<ErrorBody>().error.code, 'UserErrorRestoreTargetVmRunning');
    assert.equal((await arm.request('POST', '/resourceGroups/app-rg/providers/Microsoft.Compute/virtualMachines/web-2/powerOff', { apiVersion: V.compute })).status, 200);
    const asked = await restore('web-2', 'rp-1', { recoveryType: 'OriginalLocation' });
    assert.equal(asked.status, 202, asked.body);
    const status = await finished(String(asked.headers['azure-asyncoperation']));
    assert.equal(status.status, 'Succeeded', JSON.stringify(status));
    const vm = (await arm.request('GET', '/resourceGroups/app-rg/providers/Microsoft.Compute/virtualMachines/web-2', { apiVersion: V.compute })).json<Vm>();
    const folder = join(dataDir, 'storage-accounts', 'restoresa', `arca-restore-${status.properties?.jobId}`);
    assert.equal(vm.properties.storageProfile.osDisk.path, join(folder, 'web-1-os.img'));
    assert.equal(vm.properties.storageProfile.dataDisks[0]?.path, join(folder, 'web-1-data.img'));
    assert.equal((await job(status.properties?.jobId ?? '')).properties.extendedInfo.propertyBag['Job Type'], 'Restore to original location');
  });

  it('restores beside a backup of the same item, which holds the item against other backups', async () => {
    const itemId = (await arm.request('GET', itemPath('web-1'), { apiVersion: V.backup })).json<{ id: string }>().id;
    const running = await seeder.heldBackupJob({ vaultId: id(VAULT), itemId, vmId: vmId('web-1'), vmName: 'web-1' });
    assert.equal((await job(running)).properties.status, 'InProgress');
    const another = await arm.request('POST', `${itemPath('web-1')}/backup`, { apiVersion: V.backup, body: { properties: { objectType: 'IaasVMBackupRequest' } } });
    assert.equal(another.json<ErrorBody>().error.code, 'UserErrorBackupOperationInProgress');
    const asked = await restore('web-1', 'rp-1');
    assert.equal(asked.status, 202, asked.body);
    assert.equal((await finished(String(asked.headers['azure-asyncoperation']))).status, 'Succeeded');
  });

  it('fails the job and the operation with the repository\'s code when the point\'s vault copy is gone', async () => {
    let asyncOperation = '';
    const properties = { objectType: 'IaasVMRestoreRequest', recoveryType: 'RestoreDisks', storageAccountId: account('restoresa') } as IaasVMRestoreRequest;
    await assert.rejects(
      backup.restores.beginTriggerAndWait('vault-r', 'backup-rg', 'Azure', container('web-1'), itemName('web-1'), 'rp-lost', { properties }, { updateIntervalInMs: 50, onResponse: (raw) => (asyncOperation ||= raw.headers.get('azure-asyncoperation') ?? '') }),
      /The long-running operation has failed\. RecoveryPointNotFound\./,
    );
    const status = await finished(asyncOperation);
    assert.equal(status.error?.code, 'RecoveryPointNotFound');
    assert.equal((await job(status.properties?.jobId ?? '')).properties.status, 'Failed');
  });

  const refusals: { name: string; vm?: string; rp?: string; properties: () => Record<string, unknown>; status: number; code: string }[] = [
    { name: 'an unknown recovery point', rp: 'rp-none', properties: () => ({}), status: 404, code: 'UserErrorRecoveryPointNotFound' },
    { name: 'a point still only a snapshot on the machine', rp: 'rp-snap', properties: () => ({}), status: 409, code: 'UserErrorRecoveryPointNotInVault' },
    { name: 'a point whose snapshot expired and that never reached the vault', rp: 'rp-gone', properties: () => ({}), status: 404, code: 'UserErrorInstantRpNotFound' },
    { name: 'a storage account in another region', properties: () => ({ storageAccountId: account('farsa') }), status: 400, code: 'UserErrorStorageAccountRegionMismatch' },
    { name: 'a premium storage account', properties: () => ({ storageAccountId: account('premsa') }), status: 400, code: 'UserErrorUnsupportedStorageAccountType' },
    { name: 'an offline storage account', properties: () => ({ storageAccountId: account('offsa') }), status: 503, code: 'UserErrorStorageAccountOffline' },
    { name: 'a storage account that does not exist', properties: () => ({ storageAccountId: account('nosuchsa') }), status: 404, code: 'ResourceNotFound' },
    { name: 'a storage account of another subscription', properties: () => ({ storageAccountId: account('restoresa').replace(sub, '00000000-0000-0000-0000-000000000001') }), status: 403, code: 'UserErrorRestoreNotAuthorized' },
    { name: 'a target resource group that does not exist', properties: () => ({ targetResourceGroupId: id('/resourceGroups/nope-rg') }), status: 404, code: 'ResourceGroupNotFound' },
    { name: 'a subnet that does not exist', properties: () => ({ recoveryType: 'AlternateLocation', targetVirtualMachineId: vmId('n1', 'target-rg'), subnetId: subnet('vnet-1', 'nope') }), status: 404, code: 'UserErrorSubnetNotFound' },
    { name: 'a virtual network that does not exist', properties: () => ({ recoveryType: 'AlternateLocation', targetVirtualMachineId: vmId('n1', 'target-rg'), subnetId: subnet('vnet-9', 'default') }), status: 400, code: 'UserErrorInvalidVirtualNetworkConfiguration' },
    { name: 'a DNS name label in use', properties: () => ({ recoveryType: 'AlternateLocation', targetVirtualMachineId: vmId('n1', 'target-rg'), subnetId: subnet('vnet-1', 'default'), targetDomainNameId: 'takenlabel' }), status: 409, code: 'UserErrorDnsNameAlreadyExists' },
    { name: 'a resource group whose VM quota is used up', properties: () => ({ recoveryType: 'AlternateLocation', targetVirtualMachineId: vmId('n1', 'full-rg'), subnetId: subnet('vnet-1', 'default') }), status: 409, code: 'UserErrorResourceGroupQuotaExceeded' },
    { name: 'an encrypted machine with a BEK only', vm: 'enc-bek', properties: () => ({}), status: 409, code: 'UserErrorEncryptedVmBekOnly' },
    { name: 'a key vault the Backup service may not read', vm: 'enc-kek', properties: () => ({}), status: 403, code: 'UserErrorKeyvaultPermissionsNotConfigured' },
    { name: 'an unknown recovery type', properties: () => ({ recoveryType: 'Offline' }), status: 400, code: 'UserErrorInvalidArgument' },
  ];
  for (const refusal of refusals) {
    it(`refuses ${refusal.name} with ${refusal.code}, before any job`, async () => {
      const response = await restore(refusal.vm ?? 'web-1', refusal.rp ?? 'rp-1', refusal.properties());
      assert.equal(response.status, refusal.status, response.body);
      assert.equal(response.json<ErrorBody>().error.code, refusal.code);
    });
  }

  it('speaks Spanish when asked, and started no job for any refusal', async () => {
    arm.language = 'es';
    try {
      const response = await restore('web-1', 'rp-1', { storageAccountId: account('farsa') });
      assert.match(response.json<ErrorBody>().error.message, /^La cuenta de almacenamiento farsa está en westeurope, pero el almacén está en eastus\./);
    } finally {
      arm.language = 'en';
    }
    const jobs = (await arm.request('GET', `${VAULT}/backupJobs?$filter=${encodeURIComponent("operation eq 'Restore'")}`, { apiVersion: V.backup })).json<{ value: Job[] }>();
    assert.equal(jobs.value.length, 5, 'the five restores started above, no more');
  });

  it('validates without restoring through the SDK, listing every finding, and passes once the Backup service may read the key vault', async () => {
    const identity = (await arm.request('GET', '/arca/backupServiceIdentity', { apiVersion: V.arca })).json<{ objectId: string; tenantId: string }>();
    const info = JSON.parse(await readFile(join(dataDir, 'server.json'), 'utf8')) as { backupServiceObjectId: string };
    assert.equal(info.backupServiceObjectId, identity.objectId);
    const request = (vm: string, restoreRequest: Record<string, unknown>) => ({
      id: id(`${itemPath(vm)}/recoveryPoints/rp-1`),
      properties: { objectType: 'ValidateIaasVMRestoreOperationRequest', restoreRequest: { objectType: 'IaasVMRestoreRequest', recoveryType: 'RestoreDisks', storageAccountId: account('restoresa'), ...restoreRequest } } as ValidateIaasVMRestoreOperationRequest,
    });
    const codes = async (vm: string, restoreRequest: Record<string, unknown>) =>
      ((await backup.operation.validate('vault-r', 'backup-rg', request(vm, restoreRequest))).validateOperationResponse?.validationResults ?? []).map((r) => r.code);
    const alternate = { recoveryType: 'AlternateLocation', storageAccountId: account('farsa'), targetVirtualMachineId: vmId('n2', 'target-rg'), subnetId: subnet('vnet-1', 'nope'), targetDomainNameId: 'takenlabel' };
    assert.deepEqual(await codes('web-1', alternate), ['UserErrorStorageAccountRegionMismatch', 'UserErrorSubnetNotFound', 'UserErrorDnsNameAlreadyExists']);
    assert.deepEqual(await codes('enc-kek', {}), ['UserErrorKeyvaultPermissionsNotConfigured']);
    const grant = { properties: { accessPolicies: [{ tenantId: identity.tenantId, objectId: identity.objectId, permissions: { keys: ['get', 'list'], secrets: ['get', 'list'] } }] } };
    await put('/resourceGroups/app-rg/providers/Microsoft.KeyVault/vaults/kv-1/accessPolicies/add', V.keyVault, grant);
    assert.deepEqual(await codes('enc-kek', {}), []);
    assert.deepEqual(await codes('web-1', {}), []);
  });
});
