import type { FastifyInstance } from 'fastify';
import type { ArmDeps } from '../arm/index.ts';
import { registerBackupIdentityRoute } from './identity-route.ts';
import { registerRestoreRoute } from './restore-routes.ts';
import { registerValidateRoute } from './validate-route.ts';

export { restoreFindings, type CheckDeps } from './restore-checks.ts';
export { restoreJobHandler, type RestoreJobDeps } from './restore-job.ts';
export { STORAGE_ACCOUNTS_FOLDER } from './restore-paths.ts';
export { readRestoreBody, readRestoreRequest, RECOVERY_TYPES, type RecoveryType, type RestoreRequest } from './restore-request.ts';

/** Restore of recovery points, its validation, and the Backup service identity that encrypted restores need. */
export function registerRestoreRoutes(app: FastifyInstance, deps: ArmDeps): void {
  registerRestoreRoute(app, deps);
  registerValidateRoute(app, deps);
  registerBackupIdentityRoute(app, deps);
}
