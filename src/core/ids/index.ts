export {
  BACKUP_FABRIC,
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
  type ResourceGroupScope,
} from './arca-resource-ids.ts';
export {
  formatContainerName,
  formatProtectedItemName,
  parseContainerName,
  parseProtectedItemName,
  sameContainerName,
  sameProtectedItemName,
  sameVm,
  type VmBackupName,
} from './backup-item-names.ts';
export { MAX_NAME_SEGMENT_LENGTH, MAX_RESOURCE_ID_LENGTH } from './name-segment.ts';
export {
  checkResourceId,
  compactResourceId,
  formatResourceId,
  parseResourceId,
  resourceIdProblem,
  type ResourceId,
  type TypedName,
} from './resource-id.ts';
export { resourceIdKey, sameResourceId } from './resource-id-equality.ts';
export {
  childId,
  expectResourceType,
  isResourceType,
  parentId,
  resourceIdIn,
  resourceName,
  resourceType,
} from './resource-id-path.ts';
export {
  RESOURCE_NAME_KINDS,
  RESOURCE_NAME_RULES,
  resourceNameProblem,
  validateResourceName,
  type ResourceNameKind,
} from './resource-names.ts';
export {
  formatRestorePointCollectionName,
  formatRestorePointResourceGroupName,
  isRestorePointCollectionOf,
  parseRestorePointCollectionName,
  parseRestorePointResourceGroupName,
  RESTORE_POINT_PREFIX,
  type RestorePointCollectionName,
  type RestorePointResourceGroupName,
} from './restore-point-names.ts';
