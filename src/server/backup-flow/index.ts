import type { FastifyInstance } from 'fastify';
import type { ArmDeps } from '../arm/index.ts';
import { registerBackupNowRoute } from './backup-now-routes.ts';
import { registerBackupOperationRoutes } from './backup-operation-routes.ts';

export { DEFAULT_BACKUP_WINDOWS, type BackupFlowDeps, type BackupWindows } from './backup-flow-deps.ts';
export { backupHandler } from './backup-handler.ts';
export { readBackupPayload, type BackupJobPayload } from './backup-job-payload.ts';
export { followJob } from './operation-follow.ts';

/** Backup now and the vault-level operation resources. */
export function registerBackupFlowRoutes(app: FastifyInstance, deps: ArmDeps): void {
  registerBackupNowRoute(app, deps);
  registerBackupOperationRoutes(app, deps);
}
