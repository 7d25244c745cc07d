import type { FastifyInstance } from 'fastify';
import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, resourceGroupId, validateResourceName } from '../../core/ids/index.ts';
import {
  API_VERSIONS,
  armRoute,
  checkLocks,
  checkPreconditions,
  etagOf,
  listBody,
  locationField,
  objectBody,
  pagingOf,
  RESOURCE_GROUPS,
  resourceKey,
  scopeIndex,
  tagsField,
  type ArmDeps,
  type ArmResource,
} from '../arm/index.ts';
import type { StoredRecord } from '../persistence/index.ts';
import { resourceCollectionsIn } from './contents.ts';

type Params = { subscriptionId: string; resourceGroupName: string };
type GroupProperties = { provisioningState: 'Succeeded' };

const BASE = '/subscriptions/:subscriptionId/resourcegroups';
const ONE = `${BASE}/:resourceGroupName`;
const TYPE = 'Microsoft.Resources/resourceGroups';

function render(record: StoredRecord<ArmResource<GroupProperties>>): ArmResource<GroupProperties> {
  return { ...record.data, etag: etagOf(record.version) };
}

/** Resource groups: the folders every other resource lives in, and the scope locks are put on. */
export function registerResourceGroupRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const versions = API_VERSIONS.resources;

  armRoute<Params>(app, deps, {
    method: 'PUT',
    url: ONE,
    action: 'administer',
    apiVersions: versions,
    summary: 'Create or update a resource group',
    requestBody: { type: 'object', required: ['location'], properties: { location: { type: 'string' }, tags: { type: 'object' } } },
    responses: { '200': 'Updated', '201': 'Created' },
    handler: async (request) => {
      const name = validateResourceName('resourceGroup', request.params.resourceGroupName, 'resourceGroupName');
      const id = resourceGroupId({ subscriptionId: deps.installation.subscriptionId, resourceGroup: name });
      const body = objectBody(request.body);
      const location = locationField(body) as string;
      const tags = tagsField(body);
      const key = resourceKey(id);
      const existing = await deps.store.get<ArmResource<GroupProperties>>(RESOURCE_GROUPS, key);
      checkPreconditions(request.headers, existing, formatResourceId(id));
      if (existing && existing.data.location !== location) {
        throw new ArcaError('InvalidRequestContent', { reason: `the resource group is in ${existing.data.location}; a resource group cannot move to ${location}` });
      }
      if (existing) await checkLocks(deps.store, id, 'write', 'updating the resource group');
      const data: ArmResource<GroupProperties> = {
        id: existing?.data.id ?? formatResourceId(id),
        name: existing?.data.name ?? name,
        type: TYPE,
        location,
        ...(tags ? { tags } : {}),
        properties: { provisioningState: 'Succeeded' },
      };
      const stored = await deps.store.put(RESOURCE_GROUPS, { id: key, data, index: scopeIndex(id) }, { expectedVersion: existing?.version ?? 0 });
      return { status: existing ? 200 : 201, body: render(stored) };
    },
  });

  armRoute<Params>(app, deps, {
    method: 'GET',
    url: ONE,
    action: 'read',
    apiVersions: versions,
    summary: 'Get a resource group',
    handler: async (request) => {
      const id = resourceGroupId({ subscriptionId: deps.installation.subscriptionId, resourceGroup: request.params.resourceGroupName });
      const record = await deps.store.get<ArmResource<GroupProperties>>(RESOURCE_GROUPS, resourceKey(id));
      if (!record) throw new ArcaError('ResourceGroupNotFound', { resourceGroup: request.params.resourceGroupName });
      return { status: 200, body: render(record) };
    },
  });

  armRoute<Params>(app, deps, {
    method: 'GET',
    url: BASE,
    action: 'read',
    apiVersions: versions,
    summary: 'List resource groups',
    handler: async (request) => {
      const page = await deps.store.list<ArmResource<GroupProperties>>(RESOURCE_GROUPS, {
        where: [{ field: 'subscription', op: 'eq', value: deps.installation.subscriptionId.toLowerCase() }],
        ...pagingOf(request),
      });
      return { status: 200, body: listBody(request, page, render) };
    },
  });

  armRoute<Params>(app, deps, {
    method: 'DELETE',
    url: ONE,
    action: 'administer',
    apiVersions: versions,
    summary: 'Delete an empty resource group',
    responses: { '200': 'Deleted', '204': 'There was no such resource group' },
    handler: async (request) => {
      const id = resourceGroupId({ subscriptionId: deps.installation.subscriptionId, resourceGroup: request.params.resourceGroupName });
      const key = resourceKey(id);
      const existing = await deps.store.get(RESOURCE_GROUPS, key);
      if (!existing) return { status: 204 };
      await checkLocks(deps.store, id, 'delete', 'deleting the resource group');
      const inside = await resourceCollectionsIn(deps.store, id);
      if (inside.length > 0) {
        throw new ArcaError('ResourceGroupNotEmpty', { resourceGroup: request.params.resourceGroupName, resources: inside.slice(0, 5).join(', ') });
      }
      await deps.store.delete(RESOURCE_GROUPS, key, { expectedVersion: existing.version });
      return { status: 200 };
    },
  });
}
