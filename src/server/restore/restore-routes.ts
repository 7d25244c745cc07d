import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { backupJobId, formatResourceId } from '../../core/ids/index.ts';
import { accepted, API_VERSIONS, armRoute, createOperation, finishOperation, type ArmDeps, type ArmRequest, type ArmResponse } from '../arm/index.ts';
import { ITEM_PATH } from '../backup/paths.ts';
import { locateItem, type ItemParams } from '../backup/protected-item-routes.ts';
import { createJob } from '../jobs/index.ts';
import { getStorageAccount } from '../resources/index.ts';
import { restoreFindings } from './restore-checks.ts';
import { planRestore } from './restore-plan.ts';
import { readRestoreBody, RECOVERY_TYPES, type RestoreRequest } from './restore-request.ts';
import { loadRestoreSource, type RestoreSource } from './restore-source.ts';

type RestoreParams = ItemParams & { recoveryPointId: string };

/** Records the operation, then the job that carries it; a job that cannot be created fails the operation with it. */
async function startRestore(deps: ArmDeps, request: ArmRequest<RestoreParams>, source: RestoreSource, asked: RestoreRequest): Promise<ArmResponse> {
  const { store } = deps;
  const jobName = randomUUID();
  const jobId = formatResourceId(backupJobId(source.vaultId, jobName));
  const account = await getStorageAccount(store, asked.storageAccountId);
  if (!account) throw new ArcaError('ResourceNotFound', { resourceId: formatResourceId(asked.storageAccountId) });
  const op = await createOperation(store, { kind: 'Restore', resourceId: source.item.id, jobId, now: request.now });
  try {
    await createJob(store, {
      vaultId: source.vault.id,
      itemId: source.item.id,
      vmId: source.item.sourceResourceId,
      operation: 'Restore',
      friendlyName: source.vmName,
      isUserTriggered: true,
      now: request.now,
      payload: planRestore(source, asked, account.data.name, op.id, request.now),
      jobName,
      containerName: source.item.containerName.replace(/^iaasvmcontainer;/i, ''),
    });
  } catch (error) {
    await finishOperation(store, op.id, { status: 'Failed', now: request.now, ...(isArcaError(error) ? { error } : {}) });
    throw error;
  }
  return accepted(request, { status: `${source.vault.id}/backupOperations/${op.id}`, result: `${source.item.id}/operationResults/${op.id}` }, deps.retryAfterSeconds);
}

/** POST …/recoveryPoints/{rp}/restore: validates everything it can, then starts a Restore job. */
export function registerRestoreRoute(app: FastifyInstance, deps: ArmDeps): void {
  armRoute<RestoreParams>(app, deps, {
    method: 'POST',
    url: `${ITEM_PATH}/recoveryPoints/:recoveryPointId/restore`,
    action: 'restore',
    apiVersions: API_VERSIONS.recoveryServicesBackup,
    summary: 'Restore a recovery point of a virtual machine: its disks into a storage account (RestoreDisks), over the stopped original machine (OriginalLocation) or as a new machine (AlternateLocation)',
    requestBody: {
      type: 'object',
      required: ['properties'],
      properties: {
        properties: {
          type: 'object',
          required: ['objectType', 'recoveryType', 'storageAccountId'],
          properties: { objectType: { enum: ['IaasVMRestoreRequest'] }, recoveryType: { enum: [...RECOVERY_TYPES] } },
          description:
            'IaasVMRestoreRequest: storageAccountId; targetResourceGroupId; targetVirtualMachineId and subnetId (AlternateLocation); virtualNetworkId; targetDomainNameId (a DNS name label); region; encryptionDetails {encryptionEnabled, kekUrl, kekVaultId, secretKeyUrl, secretKeyVaultId}; restoreDiskLunList',
        },
      },
    },
    responses: { '202': 'Accepted: a Restore job runs; follow Azure-AsyncOperation (…/backupOperations/{id}) or Location' },
    handler: async (request) => {
      const { vault, address } = await locateItem(deps.store, request);
      const source = await loadRestoreSource(deps.store, vault.data, address.itemId, request.params.recoveryPointId);
      const asked = readRestoreBody(request.body);
      const [first] = await restoreFindings({ store: deps.store, installation: deps.installation, now: request.now }, source, asked);
      if (first) throw first;
      return startRestore(deps, request, source, asked);
    },
  });
}
