import { parseResourceId, type ResourceId } from '../../core/ids/index.ts';
import type { IaasVmPolicy } from '../../core/policy/index.ts';
import { resourceKey } from '../arm/index.ts';
import type { IndexValues, MetadataOperations, StoredRecord } from '../persistence/index.ts';
import type { ArmPolicy } from './policy-arm.ts';

/**
 * Backup policies as stored (collection `backup-policies`, keyed by the lower-cased policy id,
 * indexed by subscription, the vault's resource group and vault). `policy` is core's validated
 * policy, which the scheduler and retention read; `timeZoneName` is the zone as the caller wrote it.
 */
export const BACKUP_POLICIES = 'backup-policies';
export const POLICY_TYPE = 'Microsoft.RecoveryServices/vaults/backupPolicies';

export interface StoredPolicy extends ArmPolicy {
  readonly id: string;
  readonly name: string;
  readonly vaultId: string;
  readonly policy: IaasVmPolicy;
}

export function policyIndex(policy: StoredPolicy): IndexValues {
  const vault = parseResourceId(policy.vaultId);
  return {
    subscription: vault.subscriptionId.toLowerCase(),
    resourceGroup: (vault.resourceGroup ?? '').toLowerCase(),
    vault: policy.vaultId.toLowerCase(),
  };
}

export function getBackupPolicy(store: MetadataOperations, policyId: ResourceId | string): Promise<StoredRecord<StoredPolicy> | undefined> {
  return store.get<StoredPolicy>(BACKUP_POLICIES, resourceKey(policyId));
}

export function saveBackupPolicy(store: MetadataOperations, policy: StoredPolicy, expectedVersion: number): Promise<StoredRecord<StoredPolicy>> {
  return store.put<StoredPolicy>(BACKUP_POLICIES, { id: resourceKey(policy.id), data: policy, index: policyIndex(policy) }, { expectedVersion });
}
