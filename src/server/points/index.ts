export {
  deleteInstantPoint,
  ensureInstantCollection,
  instantPointsOfVm,
  newInstantPoint,
  pageCollectionPoints,
  RESTORE_POINT_COLLECTIONS,
  RESTORE_POINTS,
  saveInstantPoint,
  type CollectionDeletion,
  type InstantCollection,
  type InstantPointRecord,
  type RestorePointCollectionRecord,
} from './instant-tier-store.ts';
export { changeRecoveryPoint, holdsNothing, markSnapshotDeleted, removeInstantPoints, type InstantRemoval } from './instant-point-removal.ts';
export { RECOVERY_POINTS, type RecoveryPointArca, type RecoveryPointRecord } from './recovery-point-model.ts';
export { recoveryPointProperties, tierDetails } from './recovery-point-properties.ts';
export { registerRecoveryPointRoutes } from './recovery-point-routes.ts';
export { getRecoveryPoint, pageRecoveryPoints, recoveryPointIndex, recoveryPointsOfItem, saveRecoveryPoint, type PointWindow } from './recovery-points-store.ts';
export { collectionDeletionHandler, DELETE_COLLECTION_KIND, type CollectionDeletionDeps } from './collection-deletion.ts';
export { registerRestorePointCollectionRoutes } from './restore-point-collection-routes.ts';
