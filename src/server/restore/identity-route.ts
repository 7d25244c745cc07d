import type { FastifyInstance } from 'fastify';
import { API_VERSIONS, armRoute, backupServiceObjectId, type ArmDeps } from '../arm/index.ts';
import { BACKUP_KEY_VAULT_PERMISSIONS } from '../resources/index.ts';

/**
 * GET /arca/backupServiceIdentity: the identity key vault access policies must name so that the
 * vault can back up and restore encrypted machines (Azure's "Backup Management Service"), and the
 * permissions it needs there.
 */
export function registerBackupIdentityRoute(app: FastifyInstance, deps: ArmDeps): void {
  armRoute<Record<string, string>>(app, deps, {
    method: 'GET',
    url: '/arca/backupServiceIdentity',
    action: 'read',
    apiVersions: API_VERSIONS.arca,
    summary: 'Arca: the Backup service identity (tenantId, objectId) to grant get and list on keys and secrets of encrypted machines\' key vaults',
    handler: async () => ({
      status: 200,
      body: {
        displayName: 'Arca Backup Service',
        tenantId: deps.installation.tenantId,
        objectId: backupServiceObjectId(deps.installation),
        keyVaultPermissions: BACKUP_KEY_VAULT_PERMISSIONS,
      },
    }),
  });
}
