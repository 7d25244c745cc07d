import type { ResourceId } from '../../core/ids/index.ts';
import type { MetadataOperations } from '../persistence/index.ts';

/**
 * The collections that hold resources living inside a resource group. Every record in them carries
 * the `subscription` and `resourceGroup` index fields (arm/resources.ts `scopeIndex`), which is what
 * lets a resource group know whether it is empty.
 */
export const COLLECTIONS = {
  virtualMachines: 'virtual-machines',
  vaults: 'vaults',
  keyVaults: 'key-vaults',
  storageAccounts: 'storage-accounts',
  virtualNetworks: 'virtual-networks',
  publicIpAddresses: 'public-ip-addresses',
  restorePointCollections: 'restore-point-collections',
  locks: 'locks',
} as const;

/** Ids of up to `limit` resources in the group, for the message that refuses deleting it. */
export async function resourceCollectionsIn(store: MetadataOperations, group: ResourceId, limit = 5): Promise<string[]> {
  const found: string[] = [];
  const where = [
    { field: 'subscription', op: 'eq' as const, value: group.subscriptionId.toLowerCase() },
    { field: 'resourceGroup', op: 'eq' as const, value: (group.resourceGroup ?? '').toLowerCase() },
  ];
  for (const collection of Object.values(COLLECTIONS)) {
    const page = await store.list<{ id?: string }>(collection, { where, limit });
    for (const record of page.records) found.push(record.data.id ?? record.id);
    if (found.length >= limit) break;
  }
  return found.length > 0 ? found : [];
}
