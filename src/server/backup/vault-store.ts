import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, parseResourceId, vaultId, type ResourceId } from '../../core/ids/index.ts';
import { resourceKey, type ArmResource } from '../arm/index.ts';
import type { MetadataOperations, StoredRecord } from '../persistence/index.ts';

/**
 * Recovery Services vaults as stored (collection `vaults`, keyed by the lower-cased ARM id, indexed
 * by subscription, resource group and location). A vault owns policies and protected items; its
 * region bounds which machines it can protect.
 */
export const VAULTS = 'vaults';
export const VAULT_TYPE = 'Microsoft.RecoveryServices/vaults';
export const VAULT_SKUS = ['Standard', 'RS0'] as const;
export type VaultSkuName = (typeof VAULT_SKUS)[number];

export interface VaultProperties {
  readonly provisioningState: 'Succeeded';
}

export interface VaultResource extends ArmResource<VaultProperties> {
  readonly location: string;
  readonly sku: { readonly name: VaultSkuName; readonly tier: 'Standard' };
}

/** A type alias, not an interface: route parameters must be assignable to `Record<string, string>`. */
export type VaultPath = {
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  readonly vaultName: string;
};

export function vaultIdOf(path: VaultPath): ResourceId {
  return vaultId({ subscriptionId: path.subscriptionId, resourceGroup: path.resourceGroupName }, path.vaultName);
}

export function getVault(store: MetadataOperations, id: ResourceId | string): Promise<StoredRecord<VaultResource> | undefined> {
  return store.get<VaultResource>(VAULTS, resourceKey(id));
}

/**
 * The vault a child resource (policy, item, operation) is asked under, or ParentResourceNotFound.
 * Its id keeps the spelling the vault was created with, for the ids of its children.
 */
export async function requireVault(store: MetadataOperations, path: VaultPath): Promise<StoredRecord<VaultResource>> {
  const id = vaultIdOf(path);
  const record = await getVault(store, id);
  if (!record) throw new ArcaError('ParentResourceNotFound', { parentId: formatResourceId(id) });
  return record;
}

/** The stored vault's id, in the spelling it was created with. */
export function idOfVault(record: StoredRecord<VaultResource>): ResourceId {
  return parseResourceId(record.data.id);
}
