import { parseProtectedItemName } from '../../core/ids/index.ts';
import { SOFT_DELETE_RETENTION_DAYS } from '../../core/limits.ts';
import type { ProtectionState } from '../../core/states/index.ts';
import { IAAS_VM } from './policy-arm.ts';
import type { StoredProtectedItem } from './protected-items-store.ts';

/**
 * A protected item as Azure's AzureIaaSComputeVMProtectedItem shows it. Arca's `SoftDeleted` state
 * is shown as Azure shows soft-deleted data: `ProtectionStopped` with `isScheduledForDeferredDelete`.
 */
export const PROTECTED_ITEM_TYPE = 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems';
export const VM_ITEM_TYPE = 'Microsoft.Compute/virtualMachines';

const UNHEALTHY: readonly ProtectionState[] = ['ProtectionError', 'ProtectionPaused'];
const DAY_MS = 86_400_000;

export function renderProtectedItem(item: StoredProtectedItem, now: Date): Record<string, unknown> {
  const { resourceGroup, vmName } = parseProtectedItemName(item.name);
  const unhealthy = UNHEALTHY.includes(item.protectionState);
  return {
    id: item.id,
    name: item.name,
    type: PROTECTED_ITEM_TYPE,
    properties: {
      protectedItemType: VM_ITEM_TYPE,
      backupManagementType: IAAS_VM,
      workloadType: 'VM',
      containerName: `iaasvmcontainerv2;${resourceGroup};${vmName}`,
      sourceResourceId: item.sourceResourceId,
      virtualMachineId: item.sourceResourceId,
      friendlyName: item.friendlyName,
      policyId: item.policyId ?? '',
      policyName: item.policyName ?? '',
      protectionState: item.protectionState === 'SoftDeleted' ? 'ProtectionStopped' : item.protectionState,
      protectionStatus: unhealthy ? 'Unhealthy' : 'Healthy',
      healthStatus: unhealthy ? 'ActionRequired' : 'Passed',
      lastBackupStatus: item.lastBackupStatus ?? '',
      ...(item.lastBackupTime === undefined ? {} : { lastBackupTime: item.lastBackupTime }),
      ...(item.lastRecoveryPoint === undefined ? {} : { lastRecoveryPoint: item.lastRecoveryPoint }),
      protectedItemDataId: item.protectedItemDataId,
      vaultId: item.vaultId,
      softDeleteRetentionPeriodInDays: SOFT_DELETE_RETENTION_DAYS,
      ...softDeleteFields(item, now),
    },
  };
}

function softDeleteFields(item: StoredProtectedItem, now: Date): Record<string, unknown> {
  if (item.protectionState !== 'SoftDeleted' || item.softDelete === undefined) return { isScheduledForDeferredDelete: false };
  const remainingMs = Math.max(0, Date.parse(item.softDelete.purgeAt) - now.getTime());
  return {
    isScheduledForDeferredDelete: true,
    deferredDeleteTimeInUTC: item.softDelete.deletedAt,
    deferredDeleteTimeRemaining: timeSpan(remainingMs),
    isDeferredDeleteScheduleUpcoming: remainingMs < DAY_MS,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** .NET's TimeSpan text (`d.hh:mm:ss`), which is how Azure writes the time left before purge. */
function timeSpan(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 86_400)}.${pad(Math.floor(seconds / 3600) % 24)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}
