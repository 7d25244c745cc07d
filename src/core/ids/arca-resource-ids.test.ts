import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  backupJobId,
  backupPolicyId,
  keyVaultId,
  lockId,
  protectedItemId,
  protectionContainerId,
  recoveryPointId,
  RESOURCE_TYPES,
  resourceGroupId,
  restorePointCollectionId,
  restorePointId,
  scopeOf,
  storageAccountId,
  subnetId,
  subscriptionResourceId,
  vaultId,
  vaultOf,
  virtualMachineId,
  virtualNetworkId,
  vmBackupIds,
} from './arca-resource-ids.ts';
import { formatResourceId, parseResourceId, type ResourceId } from './resource-id.ts';
import { isResourceType } from './resource-id-path.ts';

const scope = { subscriptionId: 'sub', resourceGroup: 'rg' };
const RG = '/subscriptions/sub/resourceGroups/rg';
const vault = vaultId(scope, 'vault1');
const V = `${RG}/providers/Microsoft.RecoveryServices/vaults/vault1`;
const container = protectionContainerId(vault, 'IaasVMContainer;iaasvmcontainerv2;rg;vm1');
const C = `${V}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg;vm1`;
const item = protectedItemId(container, 'VM;iaasvmcontainerv2;rg;vm1');
const vnet = virtualNetworkId(scope, 'net1');
const collection = restorePointCollectionId(scope, 'AzureBackupRG_vm1_1');

describe('building the ids Arca serves', () => {
  const built: [name: string, id: ResourceId, text: string, type: string][] = [
    ['a subscription', subscriptionResourceId('sub'), '/subscriptions/sub', 'Microsoft.Resources/subscriptions'],
    ['a resource group', resourceGroupId(scope), RG, 'Microsoft.Resources/resourceGroups'],
    ['a vault', vault, V, RESOURCE_TYPES.vault],
    ['a backup policy', backupPolicyId(vault, 'daily'), `${V}/backupPolicies/daily`, RESOURCE_TYPES.backupPolicy],
    ['a protection container under the Azure fabric', container, C, RESOURCE_TYPES.protectionContainer],
    ['a protected item', item, `${C}/protectedItems/VM;iaasvmcontainerv2;rg;vm1`, RESOURCE_TYPES.protectedItem],
    ['a recovery point', recoveryPointId(item, '123'), `${C}/protectedItems/VM;iaasvmcontainerv2;rg;vm1/recoveryPoints/123`, RESOURCE_TYPES.recoveryPoint],
    ['a backup job', backupJobId(vault, 'job-1'), `${V}/backupJobs/job-1`, RESOURCE_TYPES.backupJob],
    ['a virtual machine', virtualMachineId(scope, 'vm1'), `${RG}/providers/Microsoft.Compute/virtualMachines/vm1`, RESOURCE_TYPES.virtualMachine],
    ['a restore point collection', collection, `${RG}/providers/Microsoft.Compute/restorePointCollections/AzureBackupRG_vm1_1`, RESOURCE_TYPES.restorePointCollection],
    ['a restore point', restorePointId(collection, 'p1'), `${RG}/providers/Microsoft.Compute/restorePointCollections/AzureBackupRG_vm1_1/restorePoints/p1`, RESOURCE_TYPES.restorePoint],
    ['a lock on a resource group', lockId(scope, 'keep'), `${RG}/providers/Microsoft.Authorization/locks/keep`, RESOURCE_TYPES.lock],
    ['a key vault', keyVaultId(scope, 'kv1'), `${RG}/providers/Microsoft.KeyVault/vaults/kv1`, RESOURCE_TYPES.keyVault],
    ['a storage account', storageAccountId(scope, 'sa1'), `${RG}/providers/Microsoft.Storage/storageAccounts/sa1`, RESOURCE_TYPES.storageAccount],
    ['a virtual network', vnet, `${RG}/providers/Microsoft.Network/virtualNetworks/net1`, RESOURCE_TYPES.virtualNetwork],
    ['a subnet', subnetId(vnet, 'default'), `${RG}/providers/Microsoft.Network/virtualNetworks/net1/subnets/default`, RESOURCE_TYPES.subnet],
  ];
  for (const [name, id, text, type] of built) {
    it(`builds ${name} that formats, parses back and has its type`, () => {
      assert.equal(formatResourceId(id), text);
      assert.deepEqual(parseResourceId(text), id);
      assert.ok(isResourceType(id, type));
    });
  }

  it('builds the container and item of a virtual machine in canonical form', () => {
    const ids = vmBackupIds(vault, virtualMachineId({ subscriptionId: 'sub', resourceGroup: 'Web-RG' }, 'Web01'));
    assert.equal(formatResourceId(ids.container), `${V}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;Web-RG;Web01`);
    assert.equal(formatResourceId(ids.item), `${formatResourceId(ids.container)}/protectedItems/VM;iaasvmcontainerv2;Web-RG;Web01`);
  });

  const wrongParent: [name: string, build: () => unknown][] = [
    ['a policy under a virtual machine', () => backupPolicyId(virtualMachineId(scope, 'vm1'), 'daily')],
    ['an item under a vault instead of a container', () => protectedItemId(vault, 'VM;iaasvmcontainerv2;rg;vm1')],
    ['a recovery point under a container', () => recoveryPointId(container, '1')],
    ['a subnet under a key vault', () => subnetId(keyVaultId(scope, 'kv1'), 'default')],
    ['backup ids for something that is not a virtual machine', () => vmBackupIds(vault, vnet)],
  ];
  for (const [name, build] of wrongParent) {
    it(`refuses ${name}`, () => assert.throws(build, { code: 'InvalidResourceId' }));
  }

  it('refuses names that cannot appear in an id', () => {
    assert.throws(() => vaultId(scope, 'a/b'), { code: 'InvalidResourceId' });
    assert.throws(() => resourceGroupId({ subscriptionId: 'sub', resourceGroup: '' }), { code: 'InvalidResourceId' });
  });

  it('finds the vault of anything under it', () => {
    assert.equal(formatResourceId(vaultOf(recoveryPointId(item, '1'))), V);
    assert.throws(() => vaultOf(vnet), { code: 'InvalidResourceId' });
  });

  it('gives the scope of an id in a resource group and refuses one without', () => {
    assert.deepEqual(scopeOf(item), scope);
    assert.throws(() => scopeOf(subscriptionResourceId('sub')), { code: 'InvalidResourceId' });
  });
});
