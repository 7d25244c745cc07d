import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, parseResourceId, resourceIdIn, type ResourceId } from '../../core/ids/index.ts';
import { resourceKey } from '../arm/index.ts';
import type { MetadataOperations } from '../persistence/index.ts';
import { countVirtualMachines } from './virtual-machines-store.ts';

/**
 * Arca's per-resource-group limits (Azure has subscription quotas per region; restore validation
 * needs a group's). A group without a quota record has no limit. Records are kept under the quota's
 * ARM id and outlive nothing: they are settings, not resources, so they do not keep a group "non-empty".
 */
export const QUOTAS = 'quotas';
export const QUOTA_NAMES = ['virtualMachines'] as const;
export type QuotaName = (typeof QUOTA_NAMES)[number];

export interface QuotaRecord {
  readonly id: string;
  readonly name: QuotaName;
  readonly type: 'Arca.Management/quotas';
  readonly properties: { readonly limit: number };
}

export function quotaId(resourceGroup: ResourceId, name: QuotaName): ResourceId {
  return resourceIdIn({ subscriptionId: resourceGroup.subscriptionId, resourceGroup: resourceGroup.resourceGroup ?? '' }, 'Arca.Management', 'quotas', name);
}

export interface GroupUsage {
  readonly current: number;
  /** Undefined when the group has no limit. */
  readonly limit?: number;
}

/** The group's VM count and limit. */
export async function resourceGroupVmUsage(store: MetadataOperations, resourceGroup: ResourceId | string): Promise<GroupUsage> {
  const group = typeof resourceGroup === 'string' ? parseResourceId(resourceGroup) : resourceGroup;
  const quota = await store.get<QuotaRecord>(QUOTAS, resourceKey(quotaId(group, 'virtualMachines')));
  const current = await countVirtualMachines(store, { subscriptionId: group.subscriptionId, ...(group.resourceGroup === undefined ? {} : { resourceGroup: group.resourceGroup }) });
  return { current, ...(quota ? { limit: quota.data.properties.limit } : {}) };
}

/**
 * True when the group has no room for one more virtual machine: its VM count has reached its
 * limit. Restore validation calls this before creating a machine in the group.
 */
export async function resourceGroupQuotaExceeded(store: MetadataOperations, resourceGroup: ResourceId | string): Promise<boolean> {
  const usage = await resourceGroupVmUsage(store, resourceGroup);
  return usage.limit !== undefined && usage.current >= usage.limit;
}

/**
 * Refuses, with QuotaExceeded, creating the virtual machine `vm` when its group has no room left.
 * `resourceGroup` is the group's name as the message should show it.
 */
export async function checkRoomForVirtualMachine(store: MetadataOperations, vm: ResourceId, resourceGroup: string): Promise<void> {
  const usage = await resourceGroupVmUsage(store, vm);
  if (usage.limit !== undefined && usage.current >= usage.limit) {
    throw new ArcaError('QuotaExceeded', { resourceGroup, current: usage.current, limit: usage.limit, resourceId: formatResourceId(vm) });
  }
}
