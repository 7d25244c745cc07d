import type { FastifyInstance } from 'fastify';
import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, parseResourceId, restorePointCollectionId, restorePointId, type ResourceId } from '../../core/ids/index.ts';
import {
  accepted,
  API_VERSIONS,
  armRoute,
  etagOf,
  getOperation,
  listBody,
  operationResult,
  operationStatusBody,
  pagingOf,
  requireResourceGroup,
  resourceKey,
  type ArmDeps,
  type ArmRequest,
  type OperationPaths,
  type OperationRecord,
} from '../arm/index.ts';
import { followJob } from '../backup-flow/operation-follow.ts';
import type { MetadataOperations, StoredRecord } from '../persistence/index.ts';
import { DELETE_COLLECTION_KIND, deletionRuns, getCollection, startCollectionDeletion } from './collection-deletion.ts';
import { removeInstantPoints } from './instant-point-removal.ts';
import { pageCollectionPoints, RESTORE_POINT_COLLECTIONS, RESTORE_POINTS, type InstantPointRecord, type RestorePointCollectionRecord } from './instant-tier-store.ts';

type GroupParams = { subscriptionId: string; resourceGroupName: string };
type CollectionParams = GroupParams & { collectionName: string };
type PointParams = CollectionParams & { restorePointName: string };
type OperationParams = { subscriptionId: string; location: string; operationId: string };

const GROUP = '/subscriptions/:subscriptionId/resourceGroups/:resourceGroupName';
const MANY = `${GROUP}/providers/Microsoft.Compute/restorePointCollections`;
const ONE = `${MANY}/:collectionName`;
const POINT = `${ONE}/restorePoints/:restorePointName`;
const OPERATIONS_PATH = '/subscriptions/:subscriptionId/providers/Microsoft.Compute/locations/:location';

/** Arca's shape of a restore point: Azure's fields, plus when the instant tier lets it go; never the machine's file paths. */
function renderPoint(point: InstantPointRecord): Record<string, unknown> {
  const { consistencyMode, timeCreated, provisioningState, sourceMetadata } = point.properties;
  return { id: point.id, name: point.name, type: point.type, properties: { consistencyMode, timeCreated, provisioningState, sourceMetadata, expiryTime: point.arca.expiresAt } };
}

async function pointsOf(store: MetadataOperations, collectionId: string): Promise<Record<string, unknown>[]> {
  const all: Record<string, unknown>[] = [];
  let continuation: string | undefined;
  do {
    const page = await pageCollectionPoints(store, collectionId, { limit: 1000, ...(continuation ? { continuation } : {}) });
    all.push(...page.records.map((record) => renderPoint(record.data)));
    continuation = page.continuation;
  } while (continuation);
  return all;
}

/** Deleting while its job may run; Failed when the job ended without finishing it (a new DELETE starts over). */
async function render(store: MetadataOperations, record: StoredRecord<RestorePointCollectionRecord>): Promise<Record<string, unknown>> {
  const { arca: _arca, ...data } = record.data;
  const deletion = record.data.arca?.deletion;
  const provisioningState = deletion === undefined ? data.properties.provisioningState : (await deletionRuns(store, deletion)) ? 'Deleting' : 'Failed';
  return { ...data, properties: { ...data.properties, provisioningState, restorePointCollectionId: data.id, restorePoints: await pointsOf(store, data.id) }, etag: etagOf(record.version) };
}

function operationPaths(subscriptionId: string, location: string, operationId: string): OperationPaths {
  const base = `/subscriptions/${subscriptionId}/providers/Microsoft.Compute/locations/${location}`;
  return { status: `${base}/operations/${operationId}`, result: `${base}/operationResults/${operationId}` };
}

/**
 * Restore point collections (the instant tier's `AzureBackupRG_<vm>_<n>`, made by backups) as
 * Compute serves them: list, get with their restore points, get a point; DELETE of a point at once,
 * of a collection through a DeleteRestorePointCollection job (202, then the Compute operation).
 * Locks on the collection or its group refuse both with ScopeLocked.
 */
export function registerRestorePointCollectionRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const apiVersions = API_VERSIONS.compute;
  const scope = (params: GroupParams) => ({ subscriptionId: deps.installation.subscriptionId, resourceGroup: params.resourceGroupName });
  const collectionIdOf = (params: CollectionParams): ResourceId => restorePointCollectionId(scope(params), params.collectionName);
  const requireCollection = async (store: MetadataOperations, params: CollectionParams) => {
    const id = formatResourceId(collectionIdOf(params));
    const record = await getCollection(store, id);
    if (!record) throw new ArcaError('ResourceNotFound', { resourceId: id });
    return record;
  };

  armRoute<GroupParams>(app, deps, {
    method: 'GET',
    url: MANY,
    action: 'read',
    apiVersions,
    summary: 'List the restore point collections in a resource group, each with its restore points',
    handler: async (request) => {
      await requireResourceGroup(deps.store, deps.installation.subscriptionId, request.params.resourceGroupName);
      const page = await deps.store.list<RestorePointCollectionRecord>(RESTORE_POINT_COLLECTIONS, {
        where: [
          { field: 'subscription', op: 'eq', value: deps.installation.subscriptionId.toLowerCase() },
          { field: 'resourceGroup', op: 'eq', value: request.params.resourceGroupName.toLowerCase() },
        ],
        ...pagingOf(request),
      });
      const rendered = new Map<string, Record<string, unknown>>();
      for (const record of page.records) rendered.set(record.id, await render(deps.store, record));
      return { status: 200, body: listBody(request, page, (record) => rendered.get(record.id)) };
    },
  });

  armRoute<CollectionParams>(app, deps, {
    method: 'GET',
    url: ONE,
    action: 'read',
    apiVersions,
    summary: 'Get a restore point collection with its restore points (name, time, consistency, expiry)',
    handler: async (request) => ({ status: 200, body: await render(deps.store, await requireCollection(deps.store, request.params)) }),
  });

  armRoute<CollectionParams>(app, deps, {
    method: 'DELETE',
    url: ONE,
    action: 'administer',
    apiVersions,
    summary: 'Delete a restore point collection and its restore points (202; a job deletes the points in resumable batches)',
    responses: { '202': 'Accepted; follow Azure-AsyncOperation or Location', '204': 'There was no such collection' },
    handler: async (request) => {
      const started = await deps.store.transaction(async (operations) => {
        const record = await getCollection(operations, formatResourceId(collectionIdOf(request.params)));
        if (!record) return undefined;
        return { op: await startCollectionDeletion(operations, record, request.now), location: record.data.location ?? '' };
      });
      if (started === undefined) return { status: 204 };
      return accepted(request, operationPaths(deps.installation.subscriptionId, started.location, started.op.id), deps.retryAfterSeconds);
    },
  });

  armRoute<PointParams>(app, deps, {
    method: 'GET',
    url: POINT,
    action: 'read',
    apiVersions,
    summary: 'Get a restore point of a collection (consistency, time, expiry)',
    handler: async (request) => {
      const id = formatResourceId(restorePointId(collectionIdOf(request.params), request.params.restorePointName));
      const record = await deps.store.get<InstantPointRecord>(RESTORE_POINTS, resourceKey(id));
      if (!record) throw new ArcaError('ResourceNotFound', { resourceId: id });
      return { status: 200, body: renderPoint(record.data) };
    },
  });

  armRoute<PointParams>(app, deps, {
    method: 'DELETE',
    url: POINT,
    action: 'administer',
    apiVersions,
    summary: "Delete a restore point: its recovery point's instant tier shows Deleted and the machine's agent removes the snapshot files",
    responses: { '200': 'Deleted', '204': 'There was no such restore point' },
    handler: async (request) => {
      const id = formatResourceId(restorePointId(collectionIdOf(request.params), request.params.restorePointName));
      return deps.store.transaction(async (operations) => {
        const record = await operations.get<InstantPointRecord>(RESTORE_POINTS, resourceKey(id));
        if (!record) return { status: 204 };
        const { locked } = await removeInstantPoints(operations, [record], { now: request.now, operation: (point) => `deleting the restore point ${point.name}` });
        if (locked) throw locked;
        return { status: 200 };
      });
    },
  });

  /** Compute's operations: only those Arca starts on Compute resources are found here. */
  const computeOperation = async (request: ArmRequest<OperationParams>): Promise<OperationRecord> => {
    const op = await getOperation(deps.store, request.params.operationId.slice(0, 200), request.path);
    const subscription = parseResourceId(op.resourceId).subscriptionId.toLowerCase();
    if (op.kind !== DELETE_COLLECTION_KIND || subscription !== request.params.subscriptionId.toLowerCase()) throw new ArcaError('ResourceNotFound', { resourceId: request.path });
    return followJob(deps.store, op, request.now);
  };

  armRoute<OperationParams>(app, deps, {
    method: 'GET',
    url: `${OPERATIONS_PATH}/operations/:operationId`,
    action: 'read',
    apiVersions,
    summary: 'Status of a Compute operation (deleting a restore point collection): InProgress, Succeeded or Failed with its error',
    handler: async (request) => ({ status: 200, body: operationStatusBody(await computeOperation(request), request.language) }),
  });

  armRoute<OperationParams>(app, deps, {
    method: 'GET',
    url: `${OPERATIONS_PATH}/operationResults/:operationId`,
    action: 'read',
    apiVersions,
    summary: 'Result of a Compute operation: 202 while it runs, 204 once it succeeded, its error if it failed',
    handler: async (request) => {
      const op = await computeOperation(request);
      return operationResult(request, op, operationPaths(request.params.subscriptionId, request.params.location, op.id), deps.retryAfterSeconds);
    },
  });
}
