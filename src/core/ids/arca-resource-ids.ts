import { ArcaError } from '../errors/index.ts';
import { formatContainerName, formatProtectedItemName } from './backup-item-names.ts';
import { checkResourceId, compactResourceId, formatResourceId, type ResourceId } from './resource-id.ts';
import { childId, expectResourceType, resourceIdIn } from './resource-id-path.ts';

/**
 * Builders for the ids Arca serves. They check id syntax (InvalidResourceId) but not the per-type
 * naming rules: those apply when a resource is created (`validateResourceName`), not when an
 * existing one is referred to.
 */
export const RESOURCE_TYPES = {
  vault: 'Microsoft.RecoveryServices/vaults',
  backupPolicy: 'Microsoft.RecoveryServices/vaults/backupPolicies',
  backupFabric: 'Microsoft.RecoveryServices/vaults/backupFabrics',
  protectionContainer: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers',
  protectedItem: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems',
  recoveryPoint: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints',
  backupJob: 'Microsoft.RecoveryServices/vaults/backupJobs',
  virtualMachine: 'Microsoft.Compute/virtualMachines',
  restorePointCollection: 'Microsoft.Compute/restorePointCollections',
  restorePoint: 'Microsoft.Compute/restorePointCollections/restorePoints',
  lock: 'Microsoft.Authorization/locks',
  keyVault: 'Microsoft.KeyVault/vaults',
  storageAccount: 'Microsoft.Storage/storageAccounts',
  virtualNetwork: 'Microsoft.Network/virtualNetworks',
  subnet: 'Microsoft.Network/virtualNetworks/subnets',
} as const;

/** Azure's one fabric for virtual machines; containers live under `backupFabrics/Azure`. */
export const BACKUP_FABRIC = 'Azure';

export interface ResourceGroupScope {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
}

/** The subscription and resource group an id lives in; throws when it has no resource group. */
export function scopeOf(id: ResourceId): ResourceGroupScope {
  if (id.resourceGroup === undefined) {
    throw new ArcaError('InvalidResourceId', { resourceId: formatResourceId(id), reason: 'it names no resource group' });
  }
  return { subscriptionId: id.subscriptionId, resourceGroup: id.resourceGroup };
}

export function subscriptionResourceId(subscriptionId: string): ResourceId {
  return checkResourceId({ subscriptionId, types: [] });
}

export function resourceGroupId(scope: ResourceGroupScope): ResourceId {
  return checkResourceId({ subscriptionId: scope.subscriptionId, resourceGroup: scope.resourceGroup, types: [] });
}

const topLevel = (type: string) => {
  const [provider = '', resource = ''] = type.split('/');
  return (scope: ResourceGroupScope, name: string): ResourceId => resourceIdIn(scope, provider, resource, name);
};

export const vaultId = topLevel(RESOURCE_TYPES.vault);
export const virtualMachineId = topLevel(RESOURCE_TYPES.virtualMachine);
export const restorePointCollectionId = topLevel(RESOURCE_TYPES.restorePointCollection);
/** A lock on a resource group (Arca locks only groups, as the restore point collections' group). */
export const lockId = topLevel(RESOURCE_TYPES.lock);
export const keyVaultId = topLevel(RESOURCE_TYPES.keyVault);
export const storageAccountId = topLevel(RESOURCE_TYPES.storageAccount);
export const virtualNetworkId = topLevel(RESOURCE_TYPES.virtualNetwork);

export function subnetId(virtualNetwork: ResourceId, name: string): ResourceId {
  return childId(expectResourceType(virtualNetwork, RESOURCE_TYPES.virtualNetwork), 'subnets', name);
}

export function restorePointId(collection: ResourceId, name: string): ResourceId {
  return childId(expectResourceType(collection, RESOURCE_TYPES.restorePointCollection), 'restorePoints', name);
}

export function backupPolicyId(vault: ResourceId, name: string): ResourceId {
  return childId(expectResourceType(vault, RESOURCE_TYPES.vault), 'backupPolicies', name);
}

export function backupJobId(vault: ResourceId, name: string): ResourceId {
  return childId(expectResourceType(vault, RESOURCE_TYPES.vault), 'backupJobs', name);
}

/** `containerName` as given, so that ids round-trip; see backup-item-names.ts for its forms. */
export function protectionContainerId(vault: ResourceId, containerName: string): ResourceId {
  const fabric = childId(expectResourceType(vault, RESOURCE_TYPES.vault), 'backupFabrics', BACKUP_FABRIC);
  return childId(fabric, 'protectionContainers', containerName);
}

export function protectedItemId(container: ResourceId, itemName: string): ResourceId {
  return childId(expectResourceType(container, RESOURCE_TYPES.protectionContainer), 'protectedItems', itemName);
}

export function recoveryPointId(item: ResourceId, name: string): ResourceId {
  return childId(expectResourceType(item, RESOURCE_TYPES.protectedItem), 'recoveryPoints', name);
}

/**
 * The container and protected item ids of a virtual machine in `vault`, in canonical long form.
 * Throws UserErrorInvalidArgument when the VM's group or name break the naming rules.
 */
export function vmBackupIds(vault: ResourceId, vm: ResourceId): { container: ResourceId; item: ResourceId } {
  const { resourceGroup } = scopeOf(expectResourceType(vm, RESOURCE_TYPES.virtualMachine));
  const vmName = vm.types[0]?.name ?? '';
  const container = protectionContainerId(vault, formatContainerName({ resourceGroup, vmName }));
  return { container, item: protectedItemId(container, formatProtectedItemName({ resourceGroup, vmName })) };
}

/** Walks up from any id under a vault (policy, container, item, point, job) to the vault's id. */
export function vaultOf(id: ResourceId): ResourceId {
  const [first] = id.types;
  if (first !== undefined && id.provider?.toLowerCase() === 'microsoft.recoveryservices' && first.type.toLowerCase() === 'vaults') {
    return compactResourceId({ ...id, types: [first] });
  }
  throw new ArcaError('InvalidResourceId', { resourceId: formatResourceId(id), reason: 'it is not under a Recovery Services vault' });
}
