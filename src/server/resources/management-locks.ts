import type { FastifyInstance } from 'fastify';
import { ArcaError, invalidArgument } from '../../core/errors/index.ts';
import { formatResourceId, resourceGroupId, resourceIdIn, RESOURCE_TYPES, validateResourceName, type ResourceId } from '../../core/ids/index.ts';
import {
  API_VERSIONS,
  armRoute,
  LOCK_LEVELS,
  LOCKS,
  listBody,
  objectBody,
  objectField,
  pagingOf,
  requireResourceGroup,
  resourceKey,
  scopeIndex,
  stringField,
  type ArmDeps,
  type ArmRequest,
  type LockResource,
} from '../arm/index.ts';
import type { MetadataOperations, StoredRecord } from '../persistence/index.ts';
import { COLLECTIONS } from './contents.ts';
import { enumField } from './fields.ts';

type Params = Record<string, string> & { subscriptionId: string; resourceGroupName: string };

/** Resource types a lock may sit on, and the collection that says whether the resource exists. */
const LOCKABLE: Readonly<Record<string, string>> = {
  [RESOURCE_TYPES.virtualMachine.toLowerCase()]: COLLECTIONS.virtualMachines,
  [RESOURCE_TYPES.restorePointCollection.toLowerCase()]: COLLECTIONS.restorePointCollections,
  [RESOURCE_TYPES.vault.toLowerCase()]: COLLECTIONS.vaults,
  [RESOURCE_TYPES.keyVault.toLowerCase()]: COLLECTIONS.keyVaults,
  [RESOURCE_TYPES.storageAccount.toLowerCase()]: COLLECTIONS.storageAccounts,
  [RESOURCE_TYPES.virtualNetwork.toLowerCase()]: COLLECTIONS.virtualNetworks,
  'microsoft.network/publicipaddresses': COLLECTIONS.publicIpAddresses,
};

const LOCKS_PATH = '/providers/Microsoft.Authorization/locks';
const GROUP = '/subscriptions/:subscriptionId/resourceGroups/:resourceGroupName';
const RESOURCE = `${GROUP}/providers/:resourceProvider/:resourceType/:resourceName`;

/** The scope a request's path names: the resource group, or a resource in it. */
function scopeOf(deps: ArmDeps, params: Params): ResourceId {
  const group = { subscriptionId: deps.installation.subscriptionId, resourceGroup: params.resourceGroupName };
  if (params.resourceType === undefined) return resourceGroupId(group);
  const type = `${params.resourceProvider}/${params.resourceType}`;
  if (LOCKABLE[type.toLowerCase()] === undefined) {
    throw invalidArgument('resourceType', `locks are served on resource groups and on ${Object.keys(LOCKABLE).join(', ')}`);
  }
  return resourceIdIn(group, params.resourceProvider ?? '', params.resourceType, params.resourceName ?? '');
}

/** ParentResourceNotFound unless the scope exists (and its group). */
async function requireScope(operations: MetadataOperations, deps: ArmDeps, scope: ResourceId): Promise<void> {
  await requireResourceGroup(operations, scope.subscriptionId, scope.resourceGroup ?? '');
  if (scope.provider === undefined) return;
  const collection = LOCKABLE[`${scope.provider}/${scope.types[0]?.type}`.toLowerCase()] ?? '';
  if (!(await operations.get(collection, resourceKey(scope)))) throw new ArcaError('ParentResourceNotFound', { parentId: formatResourceId(scope) });
}

function render(record: StoredRecord<LockResource>): LockResource {
  return record.data;
}

function lockKey(scope: ResourceId, name: string): string {
  return `${formatResourceId(scope)}${LOCKS_PATH}/${name}`.toLowerCase();
}

/**
 * Management locks on resource groups and on resources (restore point collections, VMs, …).
 * Lock routes themselves are not subject to locks (arm/locks.ts): otherwise a ReadOnly lock
 * could never be removed, nor a CanNotDelete lock added beneath it.
 */
export function registerLockRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const versions = API_VERSIONS.locks;
  for (const [base, scopeWords] of [[GROUP, 'a resource group'], [RESOURCE, 'a resource']] as const) {
    const one = `${base}${LOCKS_PATH}/:lockName`;

    armRoute<Params>(app, deps, {
      method: 'PUT',
      url: one,
      action: 'administer',
      apiVersions: versions,
      summary: `Create or update a lock on ${scopeWords} (CanNotDelete or ReadOnly)`,
      requestBody: { type: 'object', required: ['properties'], properties: { properties: { type: 'object', required: ['level'], properties: { level: { enum: [...LOCK_LEVELS] }, notes: { type: 'string', maxLength: 512 } } } } },
      responses: { '200': 'Updated', '201': 'Created' },
      handler: async (request) => {
        const name = validateResourceName('lock', request.params.lockName ?? '', 'lockName');
        const properties = objectField(objectBody(request.body), 'properties');
        const level = enumField(properties, 'level', 'properties.level', LOCK_LEVELS, { required: true }) as (typeof LOCK_LEVELS)[number];
        const notes = stringField(properties, 'notes', 'properties.notes', { max: 512 });
        return deps.store.transaction(async (operations) => {
          const scope = scopeOf(deps, request.params);
          await requireScope(operations, deps, scope);
          const key = lockKey(scope, name);
          const existing = await operations.get<LockResource>(LOCKS, key);
          const data: LockResource = {
            id: existing?.data.id ?? `${formatResourceId(scope)}${LOCKS_PATH}/${name}`,
            name: existing?.data.name ?? name,
            type: RESOURCE_TYPES.lock,
            properties: { level, ...(notes === undefined ? {} : { notes }) },
          };
          const index = scopeIndex(scope, { scope: formatResourceId(scope).toLowerCase() });
          const stored = await operations.put<LockResource>(LOCKS, { id: key, data, index }, { expectedVersion: existing?.version ?? 0 });
          return { status: existing ? 200 : 201, body: render(stored) };
        });
      },
    });

    armRoute<Params>(app, deps, {
      method: 'GET',
      url: one,
      action: 'read',
      apiVersions: versions,
      summary: `Get a lock on ${scopeWords}`,
      handler: async (request) => {
        const scope = scopeOf(deps, request.params);
        const record = await deps.store.get<LockResource>(LOCKS, lockKey(scope, request.params.lockName ?? ''));
        if (!record) throw new ArcaError('ResourceNotFound', { resourceId: `${formatResourceId(scope)}${LOCKS_PATH}/${request.params.lockName}` });
        return { status: 200, body: render(record) };
      },
    });

    armRoute<Params>(app, deps, {
      method: 'DELETE',
      url: one,
      action: 'administer',
      apiVersions: versions,
      summary: `Delete a lock on ${scopeWords}`,
      responses: { '200': 'Deleted', '204': 'There was no such lock' },
      handler: async (request) => {
        const scope = scopeOf(deps, request.params);
        const deleted = await deps.store.delete(LOCKS, lockKey(scope, request.params.lockName ?? ''));
        return { status: deleted ? 200 : 204 };
      },
    });

    armRoute<Params>(app, deps, {
      method: 'GET',
      url: `${base}${LOCKS_PATH}`,
      action: 'read',
      apiVersions: versions,
      summary: base === GROUP ? 'List the locks in a resource group, on it and on its resources' : 'List the locks on a resource',
      handler: async (request: ArmRequest<Params>) => {
        const scope = scopeOf(deps, request.params);
        await requireScope(deps.store, deps, scope);
        const where = [
          { field: 'subscription', op: 'eq' as const, value: scope.subscriptionId.toLowerCase() },
          { field: 'resourceGroup', op: 'eq' as const, value: (scope.resourceGroup ?? '').toLowerCase() },
          ...(scope.provider === undefined ? [] : [{ field: 'scope', op: 'eq' as const, value: formatResourceId(scope).toLowerCase() }]),
        ];
        const page = await deps.store.list<LockResource>(LOCKS, { where, ...pagingOf(request) });
        return { status: 200, body: listBody(request, page, render) };
      },
    });
  }
}
