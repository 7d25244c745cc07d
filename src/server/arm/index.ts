export { API_VERSIONS } from './api-versions.ts';
export { armRoute, type ArmDeps, type ArmRequest, type ArmResponse, type ArmRouteSpec, type HttpMethod } from './arm-route.ts';
export { AUDIT, listAudit, recordAudit, type AuditActor, type AuditEntry } from './audit.ts';
export { backupServiceObjectId } from './backup-service-identity.ts';
export { loadInstallation, type Installation } from './installation.ts';
export { checkLocks, LOCK_LEVELS, lockScopeOf, LOCKS, type LockLevel, type LockProperties, type LockResource } from './locks.ts';
export { ArmRouteRegistry } from './openapi.ts';
export {
  accepted,
  createOperation,
  finishOperation,
  getOperation,
  OPERATION_STATUSES,
  operationResult,
  operationStatusBody,
  OPERATIONS,
  type OperationPaths,
  type OperationRecord,
  type OperationStatus,
} from './operations.ts';
export { listBody, pagingOf, queryParam, type ArmList } from './paging.ts';
export {
  checkPreconditions,
  etagOf,
  locationField,
  normalizeLocation,
  objectBody,
  objectField,
  requireResourceGroup,
  RESOURCE_GROUPS,
  resourceKey,
  scopeIndex,
  stringField,
  tagsField,
  withRetryOnConflict,
  type ArmResource,
} from './resources.ts';
