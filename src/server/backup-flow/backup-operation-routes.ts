import type { FastifyInstance } from 'fastify';
import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId } from '../../core/ids/index.ts';
import { API_VERSIONS, armRoute, getOperation, operationResult, operationStatusBody, type ArmDeps, type ArmRequest, type OperationRecord } from '../arm/index.ts';
import { VAULT_PATH } from '../backup/paths.ts';
import { idOfVault, requireVault, type VaultPath } from '../backup/vault-store.ts';
import { followJob } from './operation-follow.ts';

type Params = VaultPath & { operationId: string };

/** Any operation of the vault: on the vault, on one of its items, or carried by one of its jobs; others are not found here. */
async function vaultOperation(deps: ArmDeps, request: ArmRequest<Params>): Promise<{ op: OperationRecord; vaultId: string }> {
  const vaultId = formatResourceId(idOfVault(await requireVault(deps.store, request.params)));
  const op = await getOperation(deps.store, request.params.operationId.slice(0, 200), request.path);
  const under = (id: string | undefined) => id !== undefined && (id.toLowerCase() === vaultId.toLowerCase() || id.toLowerCase().startsWith(`${vaultId.toLowerCase()}/`));
  if (!under(op.resourceId) && !under(op.jobId)) throw new ArcaError('ResourceNotFound', { resourceId: request.path });
  return { op: await followJob(deps.store, op, request.now), vaultId };
}

/** Azure's OperationStatusJobExtendedInfo: the job (by name) that carries the operation, as soon as it exists. */
function jobInfo(op: OperationRecord): Record<string, unknown> {
  return op.jobId === undefined ? {} : { properties: { objectType: 'OperationStatusJobExtendedInfo', jobId: op.jobId.split('/').at(-1) } };
}

/** The vault-level status and result resources every operation id resolves on (as Azure's CLI polls them). */
export function registerBackupOperationRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const apiVersions = API_VERSIONS.recoveryServicesBackup;

  armRoute<Params>(app, deps, {
    method: 'GET',
    url: `${VAULT_PATH}/backupOperations/:operationId`,
    action: 'read',
    apiVersions,
    summary: "Status of an operation of the vault (OperationStatus; properties.jobId names the job as soon as there is one)",
    handler: async (request) => {
      const { op } = await vaultOperation(deps, request);
      return { status: 200, body: operationStatusBody(op, request.language, jobInfo(op)) };
    },
  });

  armRoute<Params>(app, deps, {
    method: 'GET',
    url: `${VAULT_PATH}/backupOperationResults/:operationId`,
    action: 'read',
    apiVersions,
    summary: 'Result of an operation of the vault: 202 while it runs, 204 once it succeeded, its error if it failed',
    handler: async (request) => {
      const { op, vaultId } = await vaultOperation(deps, request);
      const paths = { status: `${vaultId}/backupOperations/${op.id}`, result: `${vaultId}/backupOperationResults/${op.id}` };
      return operationResult(request, { ...op, result: undefined }, paths, deps.retryAfterSeconds);
    },
  });
}
