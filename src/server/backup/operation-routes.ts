import type { FastifyInstance } from 'fastify';
import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, sameResourceId } from '../../core/ids/index.ts';
import { accepted, API_VERSIONS, armRoute, getOperation, operationResult, operationStatusBody, type ArmDeps, type ArmRequest, type OperationRecord } from '../arm/index.ts';
import { followJob } from '../backup-flow/operation-follow.ts';
import { FABRIC_PATH, ITEM_PATH } from './paths.ts';
import { locateItem, type ItemParams } from './protected-item-routes.ts';
import { renderProtectedItem } from './protected-item-render.ts';
import { getProtectedItem } from './protected-items-store.ts';
import { fabricIdOf, type FabricParams } from './protectable-item-routes.ts';

type OpParams<P> = P & { operationId: string };

/** The operation, when it was started on `resourceId`; ResourceNotFound otherwise (ids are not guessable across resources). */
async function operationOn(deps: ArmDeps, request: ArmRequest<{ operationId: string }>, resourceId: string): Promise<OperationRecord> {
  const op = await getOperation(deps.store, request.params.operationId.slice(0, 200), request.path);
  if (!sameResourceId(op.resourceId, resourceId)) throw new ArcaError('ResourceNotFound', { resourceId: request.path });
  // A backup's operation ends with its job.
  return followJob(deps.store, op, request.now);
}

/** Status and result resources of protected-item operations and of container refreshes. */
export function registerOperationRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const apiVersions = API_VERSIONS.recoveryServicesBackup;

  armRoute<OpParams<ItemParams>>(app, deps, {
    method: 'GET',
    url: `${ITEM_PATH}/operationsStatus/:operationId`,
    action: 'read',
    apiVersions,
    summary: 'Status of an operation on a protected item',
    handler: async (request) => {
      const { address } = await locateItem(deps.store, request);
      const op = await operationOn(deps, request, formatResourceId(address.itemId));
      // Azure's OperationStatusJobExtendedInfo: the job (its name, a UUID) that shows the change in the jobs list.
      const job = op.jobId === undefined ? {} : { properties: { objectType: 'OperationStatusJobExtendedInfo', jobId: op.jobId.split('/').at(-1) } };
      return { status: 200, body: operationStatusBody(op, request.language, job) };
    },
  });

  armRoute<OpParams<ItemParams>>(app, deps, {
    method: 'GET',
    url: `${ITEM_PATH}/operationResults/:operationId`,
    action: 'read',
    apiVersions,
    summary: 'Result of an operation on a protected item: 202 while it runs, then the item (200) or nothing (204)',
    handler: async (request) => {
      const { address } = await locateItem(deps.store, request);
      const itemId = formatResourceId(address.itemId);
      const op = await operationOn(deps, request, itemId);
      const paths = { status: `${itemId}/operationsStatus/${op.id}`, result: `${itemId}/operationResults/${op.id}` };
      if (op.status !== 'Succeeded' || op.kind === 'DeleteBackupData') return operationResult(request, op, paths, deps.retryAfterSeconds);
      const item = await getProtectedItem(deps.store, address.itemId);
      return item ? { status: 200, body: renderProtectedItem(item.data, request.now) } : { status: 204 };
    },
  });

  armRoute<OpParams<FabricParams>>(app, deps, {
    method: 'GET',
    url: `${FABRIC_PATH}/operationsStatus/:operationId`,
    action: 'read',
    apiVersions,
    summary: 'Status of a container refresh',
    handler: async (request) => {
      const op = await operationOn(deps, request, await fabricIdOf(deps.store, request));
      return { status: 200, body: operationStatusBody(op, request.language) };
    },
  });

  armRoute<OpParams<FabricParams>>(app, deps, {
    method: 'GET',
    url: `${FABRIC_PATH}/operationResults/:operationId`,
    action: 'read',
    apiVersions,
    summary: 'Result of a container refresh: 202 while it runs, 204 once done',
    handler: async (request) => {
      const fabricId = await fabricIdOf(deps.store, request);
      const op = await operationOn(deps, request, fabricId);
      const paths = { status: `${fabricId}/operationsStatus/${op.id}`, result: `${fabricId}/operationResults/${op.id}` };
      if (op.status === 'InProgress') return accepted(request, paths, deps.retryAfterSeconds);
      if (op.error) throw new ArcaError(op.error.code as never, op.error.params);
      return { status: 204 };
    },
  });
}
