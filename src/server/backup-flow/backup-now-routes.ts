import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ArcaError, invalidArgument } from '../../core/errors/index.ts';
import { backupJobId, formatResourceId, parseResourceId, vaultOf } from '../../core/ids/index.ts';
import { checkOnDemandQuota } from '../../core/limits.ts';
import { accepted, API_VERSIONS, armRoute, createOperation, objectBody, objectField, stringField, type ArmDeps } from '../arm/index.ts';
import { getBackupPolicy, getProtectedItem, type StoredProtectedItem } from '../backup/index.ts';
import { ITEM_PATH } from '../backup/paths.ts';
import { locateItem, type ItemParams } from '../backup/protected-item-routes.ts';
import { countOnDemandBackupsToday, createJobIn } from '../jobs/index.ts';
import { getVirtualMachine } from '../resources/index.ts';
import type { BackupJobPayload } from './backup-job-payload.ts';

const MAX_EXPIRY_MS = 99 * 365 * 86_400_000;

/** The IaasVMBackupRequest body: `{properties: {objectType: 'IaasVMBackupRequest', recoveryPointExpiryTimeInUTC?}}`. */
function readBackupRequest(body: unknown, now: Date): BackupJobPayload {
  const properties = objectField(body === undefined || body === null ? {} : objectBody(body), 'properties');
  const objectType = stringField(properties, 'objectType', 'properties.objectType', { max: 64 });
  if (objectType !== undefined && objectType.toLowerCase() !== 'iaasvmbackuprequest') throw invalidArgument('properties.objectType', 'a virtual machine is backed up with an IaasVMBackupRequest');
  const expiry = stringField(properties, 'recoveryPointExpiryTimeInUTC', 'properties.recoveryPointExpiryTimeInUTC', { max: 40 });
  if (expiry === undefined) return { trigger: 'OnDemand' };
  const at = Date.parse(expiry);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(expiry)) throw invalidArgument('properties.recoveryPointExpiryTimeInUTC', 'expected an ISO-8601 time such as 2030-01-31T00:00:00Z');
  if (at <= now.getTime() || at - now.getTime() > MAX_EXPIRY_MS) throw invalidArgument('properties.recoveryPointExpiryTimeInUTC', 'it must be in the future, at most 99 years from now');
  return { trigger: 'OnDemand', recoveryPointExpiryTime: new Date(at).toISOString() };
}

/** Only an item the vault actively protects can be backed up. */
function checkBackupAllowed(item: StoredProtectedItem): void {
  if (item.protectionState === 'SoftDeleted') throw new ArcaError('UserErrorItemSoftDeleted', { itemName: item.friendlyName, purgeDate: item.softDelete?.purgeAt ?? 'unknown' });
  if (item.protectionState === 'ProtectionStopped' || item.protectionState === 'BackupsSuspended' || item.policyId === undefined) {
    throw new ArcaError('UserErrorBcmDatasourceNotPresent', { vmName: item.friendlyName });
  }
}

/** Backup now: POST …/protectedItems/{item}/backup → 202, the job runs, its operation follows it. */
export function registerBackupNowRoute(app: FastifyInstance, deps: ArmDeps): void {
  armRoute<ItemParams>(app, deps, {
    method: 'POST',
    url: `${ITEM_PATH}/backup`,
    action: 'backup',
    apiVersions: API_VERSIONS.recoveryServicesBackup,
    summary: 'Back up a protected virtual machine now (at most 3 on-demand backups a day, one backup at a time)',
    requestBody: { type: 'object', properties: { properties: { type: 'object', properties: { objectType: { const: 'IaasVMBackupRequest' }, recoveryPointExpiryTimeInUTC: { type: 'string', format: 'date-time' } } } } },
    responses: { '202': 'Accepted; follow Azure-AsyncOperation (the vault\'s backupOperations) or Location' },
    handler: async (request) => {
      const payload = readBackupRequest(request.body, request.now);
      const { op, vaultId, itemId } = await deps.store.transaction(async (operations) => {
        const { address } = await locateItem(operations, request);
        const record = await getProtectedItem(operations, address.itemId);
        if (!record) {
          // A machine that exists but was never protected is the catalog's "not protected", not a missing resource.
          const vm = await getVirtualMachine(operations, address.vmId);
          if (vm) throw new ArcaError('UserErrorBcmDatasourceNotPresent', { vmName: vm.data.name });
          throw new ArcaError('ResourceNotFound', { resourceId: formatResourceId(address.itemId) });
        }
        const item = record.data;
        checkBackupAllowed(item);
        const policy = await getBackupPolicy(operations, item.policyId ?? '');
        const timeZone = policy?.data.policy.timeZone ?? 'UTC';
        checkOnDemandQuota(await countOnDemandBackupsToday(operations, item.id, request.now, timeZone), item.friendlyName);
        const jobName = randomUUID();
        const vault = vaultOf(parseResourceId(item.vaultId));
        const job = await createJobIn(operations, {
          vaultId: item.vaultId,
          itemId: item.id,
          vmId: item.sourceResourceId,
          operation: 'Backup',
          kind: 'Backup',
          friendlyName: item.friendlyName,
          containerName: item.containerName.split(';').slice(1).join(';'),
          isUserTriggered: true,
          now: request.now,
          payload,
          jobName,
        });
        const created = await createOperation(operations, { kind: 'Backup', resourceId: item.id, now: request.now, jobId: formatResourceId(backupJobId(vault, jobName)) });
        return { op: created, vaultId: formatResourceId(vault), itemId: job.data.arca.itemId };
      });
      return accepted(request, { status: `${vaultId}/backupOperations/${op.id}`, result: `${itemId}/operationResults/${op.id}` }, deps.retryAfterSeconds);
    },
  });
}
