import { ArcaError } from '../../core/errors/index.ts';
import {
  expectResourceType,
  formatResourceId,
  parseContainerName,
  parseProtectedItemName,
  parseResourceId,
  RESOURCE_TYPES,
  sameVm,
  vaultOf,
  virtualMachineId,
  vmBackupIds,
  type ResourceId,
} from '../../core/ids/index.ts';
import type { PolicyType } from '../../core/policy/index.ts';
import type { ProtectionState } from '../../core/states/index.ts';
import { resourceKey, withRetryOnConflict } from '../arm/index.ts';
import { isConflictError, type Filter, type IndexValues, type MetadataOperations, type Page, type StoredRecord } from '../persistence/index.ts';

/**
 * Protected items (one per protected VM and vault) as stored: collection `protected-items`, keyed by
 * the lower-cased canonical item id (`…/protectionContainers/IaasVMContainer;iaasvmcontainerv2;{rg};{vm}
 * /protectedItems/VM;iaasvmcontainerv2;{rg};{vm}`), indexed by subscription, the vault's resource
 * group, vault, source VM, protection state and policy (lower-cased ids). The job engine and the
 * scheduler read and change items through the functions here; every state change goes through
 * core's protection-state machine (see protected-item-changes.ts).
 */
export const PROTECTED_ITEMS = 'protected-items';

export interface SoftDeleteInfo {
  readonly deletedAt: string;
  /** When `purgeExpiredSoftDeleted` removes the item for good: 14 days after `deletedAt`. */
  readonly purgeAt: string;
}

export interface StoredProtectedItem {
  /** Canonical long-form ARM id, with the vault's and the VM's spelling. */
  readonly id: string;
  /** `VM;iaasvmcontainerv2;{rg};{vm}`. */
  readonly name: string;
  readonly vaultId: string;
  /** `IaasVMContainer;iaasvmcontainerv2;{rg};{vm}`. */
  readonly containerName: string;
  /** The protected VM's ARM id. */
  readonly sourceResourceId: string;
  /** The VM's name. */
  readonly friendlyName: string;
  readonly protectionState: ProtectionState;
  /** The policy the scheduler follows; absent once protection is stopped or the data deleted. */
  readonly policyId?: string;
  readonly policyName?: string;
  /** The type of the last policy the item followed: an item once on V2 stays on V2. */
  readonly policyType?: PolicyType;
  /** Set by the job engine: `Completed`, `Failed`, `CompletedWithWarnings`. */
  readonly lastBackupStatus?: string;
  readonly lastBackupTime?: string;
  /** Time of the newest recovery point; resuming goes to Protected when there is one. */
  readonly lastRecoveryPoint?: string;
  /** The id of the item's data in the repository. */
  readonly protectedItemDataId: string;
  readonly createdAt: string;
  readonly softDelete?: SoftDeleteInfo;
}

export interface ProtectedItemFilter {
  readonly protectionState?: ProtectionState;
  readonly policyId?: string;
  readonly sourceVmId?: string;
}

/**
 * The canonical id of a protected item given in any accepted form (short or long names, any case),
 * or InvalidResourceId when it is not a VM item under a vault.
 */
export function canonicalItemId(itemId: ResourceId | string): ResourceId {
  const id = expectResourceType(typeof itemId === 'string' ? parseResourceId(itemId) : itemId, RESOURCE_TYPES.protectedItem);
  const container = parseContainerName(id.types[2]?.name ?? '');
  const item = parseProtectedItemName(id.types[3]?.name ?? '');
  if (!sameVm(container, item)) {
    throw new ArcaError('InvalidResourceId', { resourceId: formatResourceId(id), reason: 'the container and the item name different machines' });
  }
  const vm = virtualMachineId({ subscriptionId: id.subscriptionId, resourceGroup: item.resourceGroup }, item.vmName);
  return vmBackupIds(vaultOf(id), vm).item;
}

export function protectedItemIndex(item: StoredProtectedItem): IndexValues {
  const vault = parseResourceId(item.vaultId);
  return {
    subscription: vault.subscriptionId.toLowerCase(),
    resourceGroup: (vault.resourceGroup ?? '').toLowerCase(),
    vault: item.vaultId.toLowerCase(),
    sourceVm: item.sourceResourceId.toLowerCase(),
    protectionState: item.protectionState,
    ...(item.policyId === undefined ? {} : { policy: item.policyId.toLowerCase() }),
  };
}

export function getProtectedItem(store: MetadataOperations, itemId: ResourceId | string): Promise<StoredRecord<StoredProtectedItem> | undefined> {
  return store.get<StoredProtectedItem>(PROTECTED_ITEMS, resourceKey(canonicalItemId(itemId)));
}

/** Writes an item with its index; `expectedVersion` 0 creates only. */
export function saveProtectedItem(store: MetadataOperations, item: StoredProtectedItem, expectedVersion?: number): Promise<StoredRecord<StoredProtectedItem>> {
  return store.put<StoredProtectedItem>(
    PROTECTED_ITEMS,
    { id: resourceKey(item.id), data: item, index: protectedItemIndex(item) },
    expectedVersion === undefined ? {} : { expectedVersion },
  );
}

function vaultFilters(vaultId: ResourceId | string, filter: ProtectedItemFilter): Filter[] {
  return [
    { field: 'vault', op: 'eq', value: resourceKey(vaultId) },
    ...(filter.protectionState === undefined ? [] : [{ field: 'protectionState', op: 'eq' as const, value: filter.protectionState }]),
    ...(filter.policyId === undefined ? [] : [{ field: 'policy', op: 'eq' as const, value: filter.policyId.toLowerCase() }]),
    ...(filter.sourceVmId === undefined ? [] : [{ field: 'sourceVm', op: 'eq' as const, value: filter.sourceVmId.toLowerCase() }]),
  ];
}

/** One page of a vault's items, for list calls. */
export function pageProtectedItems(
  store: MetadataOperations,
  vaultId: ResourceId | string,
  filter: ProtectedItemFilter = {},
  paging: { limit?: number; continuation?: string } = {},
): Promise<Page<StoredProtectedItem>> {
  return store.list<StoredProtectedItem>(PROTECTED_ITEMS, { where: vaultFilters(vaultId, filter), ...paging });
}

/** Every item of the vault that matches, in id order (paged through, so any number). */
export async function protectedItemsOfVault(store: MetadataOperations, vaultId: ResourceId | string, filter: ProtectedItemFilter = {}): Promise<StoredRecord<StoredProtectedItem>[]> {
  return collect((continuation) => pageProtectedItems(store, vaultId, filter, { limit: 1000, ...(continuation ? { continuation } : {}) }));
}

/** The item protecting the VM in any vault, in any state (soft-deleted included), or undefined. */
export async function protectedItemForVm(store: MetadataOperations, vmId: ResourceId | string): Promise<StoredRecord<StoredProtectedItem> | undefined> {
  const page = await store.list<StoredProtectedItem>(PROTECTED_ITEMS, { where: [{ field: 'sourceVm', op: 'eq', value: resourceKey(vmId) }], limit: 1 });
  return page.records[0];
}

/**
 * Read-modify-write of one item, retried when another writer got in between. `fn` gets the current
 * item and returns the new one (it may throw to refuse). ResourceNotFound when there is no item.
 */
export function updateProtectedItem(
  store: MetadataOperations,
  itemId: ResourceId | string,
  fn: (item: StoredProtectedItem) => StoredProtectedItem,
): Promise<StoredRecord<StoredProtectedItem>> {
  return withRetryOnConflict(async () => {
    const record = await getProtectedItem(store, itemId);
    if (!record) throw new ArcaError('ResourceNotFound', { resourceId: typeof itemId === 'string' ? itemId : formatResourceId(itemId) });
    return saveProtectedItem(store, fn(record.data), record.version);
  });
}

/**
 * Removes the items whose soft-delete period ended at or before `now` and returns them, so that the
 * caller (the scheduler) can release their data. An item undeleted meanwhile is left alone.
 */
export async function purgeExpiredSoftDeleted(store: MetadataOperations, now: Date): Promise<StoredProtectedItem[]> {
  const deleted = await collect((continuation) =>
    store.list<StoredProtectedItem>(PROTECTED_ITEMS, {
      where: [{ field: 'protectionState', op: 'eq', value: 'SoftDeleted' }],
      limit: 1000,
      ...(continuation ? { continuation } : {}),
    }),
  );
  const purged: StoredProtectedItem[] = [];
  for (const record of deleted) {
    const purgeAt = record.data.softDelete?.purgeAt;
    if (purgeAt === undefined || Date.parse(purgeAt) > now.getTime()) continue;
    try {
      if (await store.delete(PROTECTED_ITEMS, record.id, { expectedVersion: record.version })) purged.push(record.data);
    } catch (error) {
      // Changed since it was read (undeleted, most likely): the next run decides again.
      if (!isConflictError(error)) throw error;
    }
  }
  return purged;
}

async function collect<T>(page: (continuation: string | undefined) => Promise<Page<T>>): Promise<StoredRecord<T>[]> {
  const all: StoredRecord<T>[] = [];
  let continuation: string | undefined;
  do {
    const next = await page(continuation);
    all.push(...next.records);
    continuation = next.continuation;
  } while (continuation);
  return all;
}
