import { ArcaError, invalidArgument } from '../../core/errors/index.ts';
import {
  backupPolicyId,
  formatResourceId,
  parseResourceId,
  protectedItemId,
  protectionContainerId,
  RESOURCE_TYPES,
  resourceName,
  sameResourceId,
  vaultOf,
  virtualMachineId,
  expectResourceType,
  parseProtectedItemName,
  type ResourceId,
} from '../../core/ids/index.ts';
import { findMember } from '../../core/states/index.ts';
import { objectBody, objectField, stringField } from '../arm/index.ts';
import { VM_ITEM_TYPE } from './protected-item-render.ts';
import { canonicalItemId } from './protected-items-store.ts';

/**
 * Reads the body of a protected item PUT into what it asks for. Azure's forms: enable or modify
 * (`policyId`), stop keeping data (`protectionState: ProtectionStopped`), undelete (`isRehydrate:
 * true`, usually with `protectionState: ProtectionStopped`). `sourceResourceId`, when given, must be
 * the machine the container and item names designate.
 */
export type ItemRequest =
  | { readonly kind: 'protect'; readonly policyId: ResourceId }
  | { readonly kind: 'stop' }
  | { readonly kind: 'undelete' };

export interface ItemAddress {
  readonly itemId: ResourceId;
  readonly vmId: ResourceId;
}

/** The canonical item id and its VM's id from the path's names (short or long forms). */
export function itemAddress(vault: ResourceId, containerName: string, itemName: string): ItemAddress {
  const itemId = canonicalItemId(protectedItemId(protectionContainerId(vault, containerName), itemName));
  const { resourceGroup, vmName } = parseProtectedItemName(resourceName(itemId));
  return { itemId, vmId: virtualMachineId({ subscriptionId: vault.subscriptionId, resourceGroup }, vmName) };
}

export function readItemRequest(body: unknown, address: ItemAddress, vault: ResourceId): ItemRequest {
  const properties = objectField(objectBody(body), 'properties');
  const type = stringField(properties, 'protectedItemType', 'properties.protectedItemType', { max: 100 });
  if (type === undefined || type.toLowerCase() !== VM_ITEM_TYPE.toLowerCase()) {
    throw invalidArgument('properties.protectedItemType', `Arca protects virtual machines only; it must be ${VM_ITEM_TYPE}`);
  }
  const source = stringField(properties, 'sourceResourceId', 'properties.sourceResourceId', { max: 2048 });
  if (source !== undefined && source !== '' && !sameResourceId(parseResourceId(source), address.vmId)) {
    throw invalidArgument('properties.sourceResourceId', `it names ${source}, but the container and item names designate ${formatResourceId(address.vmId)}`);
  }
  if (properties.isRehydrate === true) return { kind: 'undelete' };
  if (properties.isRehydrate !== undefined && properties.isRehydrate !== null && typeof properties.isRehydrate !== 'boolean') {
    throw invalidArgument('properties.isRehydrate', 'it must be true or false');
  }
  const state = stringField(properties, 'protectionState', 'properties.protectionState', { max: 64 });
  if (state !== undefined && findMember(['ProtectionStopped'], state) !== undefined) return { kind: 'stop' };
  const policy = stringField(properties, 'policyId', 'properties.policyId', { max: 2048 });
  if (policy === undefined || policy === '') {
    throw invalidArgument('properties.policyId', 'enabling, changing or resuming protection needs the id of one of the vault\'s backup policies');
  }
  return { kind: 'protect', policyId: policyIdIn(vault, policy) };
}

/** A policy id of this vault (the id's spelling aside), rebuilt on the vault's own id. */
function policyIdIn(vault: ResourceId, text: string): ResourceId {
  const id = expectResourceType(parseResourceId(text), RESOURCE_TYPES.backupPolicy);
  if (!sameResourceId(vaultOf(id), vault)) {
    throw new ArcaError('UserErrorInvalidArgument', { name: 'properties.policyId', reason: `the policy must belong to vault ${formatResourceId(vault)}` });
  }
  return backupPolicyId(vault, resourceName(id));
}
