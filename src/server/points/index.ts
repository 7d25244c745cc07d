export {
  deleteInstantPoint,
  ensureInstantCollection,
  instantPointsOfVm,
  newInstantPoint,
  RESTORE_POINT_COLLECTIONS,
  RESTORE_POINTS,
  saveInstantPoint,
  type InstantCollection,
  type InstantPointRecord,
} from './instant-tier-store.ts';
export { RECOVERY_POINTS, type RecoveryPointArca, type RecoveryPointRecord } from './recovery-point-model.ts';
export { recoveryPointProperties, tierDetails } from './recovery-point-properties.ts';
export { registerRecoveryPointRoutes } from './recovery-point-routes.ts';
export { getRecoveryPoint, pageRecoveryPoints, recoveryPointIndex, recoveryPointsOfItem, saveRecoveryPoint, type PointWindow } from './recovery-points-store.ts';
