import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SqliteMetadataStore } from '../persistence/index.ts';
import { resourceKey } from '../arm/index.ts';
import { COLLECTIONS } from './contents.ts';
import { keyVaultGrants, missingGrants } from './key-vault-policies.ts';
import { QUOTAS } from './quota-store.ts';
import { dnsLabelAvailable, getSubnet, putVirtualMachineRuntime, resourceGroupQuotaExceeded, saveVirtualMachine, setVirtualMachineProvisioningState } from './index.ts';
import { instanceView } from './virtual-machine-instance-view.ts';
import type { VirtualMachineRecord } from './virtual-machine-model.ts';

const RG = '/subscriptions/sub/resourceGroups/rg';
const VM_ID = `${RG}/providers/Microsoft.Compute/virtualMachines/vm1`;
const KV_ID = `${RG}/providers/Microsoft.KeyVault/vaults/kv1`;
const BACKUP = '00000000-0000-0000-0000-00000000b4c5';

const vm: VirtualMachineRecord = {
  id: VM_ID,
  name: 'vm1',
  type: 'Microsoft.Compute/virtualMachines',
  location: 'westeurope',
  properties: {
    vmId: '6f1c7a8e-0000-4000-8000-000000000001',
    provisioningState: 'Succeeded',
    hardwareProfile: { vmSize: 'Standard_B2s' },
    storageProfile: { osDisk: { name: 'os', osType: 'Linux', diskSizeGB: 30, encryption: { type: 'None' } }, dataDisks: [] },
    createdBy: 'api',
  },
  runtime: { powerState: 'running', agent: { status: 'NotInstalled' }, extensions: [] },
};

const policy = (objectId: string, keys: string[], secrets: string[]) => ({ tenantId: 't', objectId, permissions: { keys, secrets, certificates: [] } });

describe('functions other parts of the server call on resources', () => {
  let store: SqliteMetadataStore;

  before(async () => {
    store = SqliteMetadataStore.open(':memory:');
    await saveVirtualMachine(store, vm, 0);
  });
  after(() => store.close());

  it('records an agent report and shows it in the instance view', async () => {
    const extension = { name: 'VMSnapshot', type: 'Arca.Backup.VMSnapshotLinux', typeHandlerVersion: '1.0', handlerState: 'Enabled' as const, status: { status: 'error' as const, code: 1, message: 'freeze failed', time: '2026-01-01T00:00:00Z' } };
    const saved = await putVirtualMachineRuntime(store, VM_ID.toUpperCase(), { agent: { status: 'Ready', version: '2.9.1' }, extensions: [extension] });
    const view = instanceView(saved.data);
    assert.deepEqual(view.vmAgent.statuses.map((s) => [s.code, s.displayStatus]), [['ProvisioningState/succeeded', 'Ready']]);
    assert.equal(view.vmAgent.vmAgentVersion, '2.9.1');
    assert.deepEqual(view.extensions[0]?.statuses.map((s) => [s.code, s.level, s.message]), [['ProvisioningState/failed', 'Error', 'freeze failed']]);
  });

  it('marks an agent unresponsive, but refuses moves its table forbids', async () => {
    const saved = await putVirtualMachineRuntime(store, VM_ID, { agent: { status: 'Unresponsive' } });
    assert.equal(instanceView(saved.data).vmAgent.statuses[0]?.displayStatus, 'Unresponsive');
    await assert.rejects(putVirtualMachineRuntime(store, VM_ID, { agent: { status: 'NotInstalled' } }), { code: 'UserErrorInvalidStateTransition' });
    await assert.rejects(putVirtualMachineRuntime(store, VM_ID, { powerState: 'deallocated' }), { code: 'UserErrorInvalidStateTransition' });
    await assert.rejects(putVirtualMachineRuntime(store, `${RG}/providers/Microsoft.Compute/virtualMachines/none`, {}), { code: 'ResourceNotFound' });
  });

  it('moves the provisioning state through its table', async () => {
    await assert.rejects(setVirtualMachineProvisioningState(store, VM_ID, 'Failed'), { code: 'UserErrorInvalidStateTransition' });
    await setVirtualMachineProvisioningState(store, VM_ID, 'Updating');
    const failed = await setVirtualMachineProvisioningState(store, VM_ID, 'Failed');
    assert.equal(instanceView(failed.data).statuses[0]?.code, 'ProvisioningState/failed');
    await assert.rejects(setVirtualMachineProvisioningState(store, VM_ID, 'Creating'), { code: 'UserErrorInvalidStateTransition' });
  });

  it('tells which key vault permissions an identity holds, expanding all', async () => {
    const put = (accessPolicies: unknown[]) =>
      store.put(COLLECTIONS.keyVaults, { id: resourceKey(KV_ID), data: { id: KV_ID, properties: { accessPolicies } } });
    await put([policy(BACKUP, ['get'], ['get', 'list'])]);
    const partial = await keyVaultGrants(store, KV_ID, BACKUP.toUpperCase());
    assert.deepEqual(missingGrants(partial), ['keys/list']);
    await put([policy(BACKUP, ['all'], ['get']), policy(BACKUP, [], ['list'])]);
    assert.deepEqual(missingGrants(await keyVaultGrants(store, KV_ID, BACKUP)), []);
    assert.equal(await keyVaultGrants(store, `${RG}/providers/Microsoft.KeyVault/vaults/none`, BACKUP), undefined);
    assert.equal(missingGrants(undefined).length, 4);
  });

  it('says a resource group is full once its VM count reaches its limit', async () => {
    assert.equal(await resourceGroupQuotaExceeded(store, RG), false, 'no limit set');
    const quota = `${RG}/providers/Arca.Management/quotas/virtualMachines`;
    await store.put(QUOTAS, { id: resourceKey(quota), data: { id: quota, name: 'virtualMachines', properties: { limit: 1 } } });
    assert.equal(await resourceGroupQuotaExceeded(store, RG), true);
    await store.put(QUOTAS, { id: resourceKey(quota), data: { id: quota, name: 'virtualMachines', properties: { limit: 2 } } });
    assert.equal(await resourceGroupQuotaExceeded(store, RG), false);
  });

  it('finds DNS labels per location and subnets by id', async () => {
    const ip = `${RG}/providers/Microsoft.Network/publicIPAddresses/ip1`;
    await store.put(COLLECTIONS.publicIpAddresses, { id: resourceKey(ip), data: { id: ip }, index: { dnsLabel: 'westeurope/web01' } });
    assert.equal(await dnsLabelAvailable(store, 'West Europe', 'WEB01'), false);
    assert.equal(await dnsLabelAvailable(store, 'eastus', 'web01'), true);
    const net = `${RG}/providers/Microsoft.Network/virtualNetworks/net1`;
    await store.put(COLLECTIONS.virtualNetworks, { id: resourceKey(net), data: { id: net, properties: { subnets: [{ name: 'Default', properties: { addressPrefix: '10.0.0.0/24' } }] } } });
    assert.equal((await getSubnet(store, `${net}/subnets/default`))?.name, 'Default');
    assert.equal(await getSubnet(store, `${net}/subnets/other`), undefined);
    assert.equal(await getSubnet(store, `${RG}/providers/Microsoft.Network/virtualNetworks/none/subnets/default`), undefined);
  });
});
