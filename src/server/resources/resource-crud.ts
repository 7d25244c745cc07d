import type { FastifyInstance } from 'fastify';
import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, resourceIdIn, validateResourceName, type ResourceId, type ResourceNameKind } from '../../core/ids/index.ts';
import {
  armRoute,
  checkLocks,
  checkPreconditions,
  etagOf,
  listBody,
  locationField,
  objectBody,
  pagingOf,
  requireResourceGroup,
  resourceKey,
  scopeIndex,
  tagsField,
  type ArmDeps,
  type ArmRequest,
  type ArmResource,
} from '../arm/index.ts';
import type { IndexValues, MetadataOperations, StoredRecord } from '../persistence/index.ts';

/**
 * The five routes every top-level resource in a resource group has (PUT, GET, list in the group,
 * list in the subscription, DELETE), written once. Each kind brings its own body validation
 * (`build`) and rendering. Writes run in one store transaction, so a uniqueness check made by
 * `build` (a DNS label, a storage account name) cannot race another write.
 */
export type CrudParams = Record<string, string> & { subscriptionId: string; resourceGroupName: string };

export interface BuildInput<D> {
  /** The new resource's id, its resource group spelled as the group was created. */
  readonly id: ResourceId;
  readonly name: string;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>> | undefined;
  readonly body: Record<string, unknown>;
  readonly existing: StoredRecord<D> | undefined;
  readonly operations: MetadataOperations;
  readonly request: ArmRequest<CrudParams>;
}

export interface ResourceKind<D extends ArmResource<unknown>> {
  /** `Namespace/type`, e.g. `Microsoft.KeyVault/vaults`. */
  readonly type: string;
  readonly collection: string;
  readonly nameKind: ResourceNameKind;
  /** The path parameter's name, e.g. `vaultName`. */
  readonly nameParam: string;
  /** For summaries and lock messages: `key vault`. */
  readonly noun: string;
  readonly apiVersions: readonly string[];
  readonly requestBody?: object;
  /** Validates the body and returns the record to store; throws to refuse. */
  readonly build: (input: BuildInput<D>) => Promise<D>;
  /** Index fields beyond scope and location. */
  readonly index?: (data: D) => IndexValues;
  readonly render?: (record: StoredRecord<D>, request: ArmRequest<CrudParams>) => unknown;
}

export interface RegisteredKind {
  /** Fastify pattern of one resource. */
  readonly one: string;
  /** The resource's id from the path parameters (names as given). */
  readonly idOf: (params: CrudParams) => ResourceId;
}

function defaultRender<D extends ArmResource<unknown>>(record: StoredRecord<D>): unknown {
  return { ...record.data, etag: etagOf(record.version) };
}

/** The index a resource record carries: scope, location, and the kind's own fields. */
export function resourceIndex(id: ResourceId, location: string | undefined, extra: IndexValues = {}): IndexValues {
  return scopeIndex(id, { ...(location === undefined ? {} : { location }), ...extra });
}

export function registerResourceCrud<D extends ArmResource<unknown>>(app: FastifyInstance, deps: ArmDeps, kind: ResourceKind<D>): RegisteredKind {
  const [provider = '', type = ''] = kind.type.split('/');
  const group = '/subscriptions/:subscriptionId/resourceGroups/:resourceGroupName';
  const many = `${group}/providers/${kind.type}`;
  const one = `${many}/:${kind.nameParam}`;
  const render = (record: StoredRecord<D>, request: ArmRequest<CrudParams>) => (kind.render ?? defaultRender)(record, request);
  const idOf = (params: CrudParams) =>
    resourceIdIn({ subscriptionId: deps.installation.subscriptionId, resourceGroup: params.resourceGroupName }, provider, type, params[kind.nameParam] ?? '');
  const common = { apiVersions: kind.apiVersions };

  armRoute<CrudParams>(app, deps, {
    ...common,
    method: 'PUT',
    url: one,
    action: 'administer',
    summary: `Create or update a ${kind.noun}`,
    ...(kind.requestBody ? { requestBody: kind.requestBody } : {}),
    responses: { '200': 'Updated', '201': 'Created' },
    handler: async (request) => {
      const name = validateResourceName(kind.nameKind, request.params[kind.nameParam] ?? '', kind.nameParam);
      const body = objectBody(request.body);
      const location = locationField(body) as string;
      const tags = tagsField(body);
      return deps.store.transaction(async (operations) => {
        const rg = await requireResourceGroup(operations, deps.installation.subscriptionId, request.params.resourceGroupName);
        const id = resourceIdIn({ subscriptionId: deps.installation.subscriptionId, resourceGroup: rg.data.name }, provider, type, name);
        const key = resourceKey(id);
        const existing = await operations.get<D>(kind.collection, key);
        checkPreconditions(request.headers, existing, formatResourceId(id));
        if (existing && existing.data.location !== location) {
          throw new ArcaError('InvalidRequestContent', { reason: `the ${kind.noun} is in ${existing.data.location}; it cannot move to ${location}` });
        }
        await checkLocks(operations, id, 'write', `${existing ? 'updating' : 'creating'} the ${kind.noun} ${name}`);
        const data = await kind.build({ id, name: existing?.data.name ?? name, location, tags, body, existing, operations, request });
        const stored = await operations.put<D>(kind.collection, { id: key, data, index: resourceIndex(id, location, kind.index?.(data)) }, { expectedVersion: existing?.version ?? 0 });
        return { status: existing ? 200 : 201, body: render(stored, request) };
      });
    },
  });

  armRoute<CrudParams>(app, deps, {
    ...common,
    method: 'GET',
    url: one,
    action: 'read',
    summary: `Get a ${kind.noun}`,
    handler: async (request) => {
      const id = idOf(request.params);
      const record = await deps.store.get<D>(kind.collection, resourceKey(id));
      if (!record) throw new ArcaError('ResourceNotFound', { resourceId: formatResourceId(id) });
      return { status: 200, body: render(record, request) };
    },
  });

  armRoute<CrudParams>(app, deps, {
    ...common,
    method: 'GET',
    url: many,
    action: 'read',
    summary: `List the ${kind.noun}s in a resource group`,
    handler: async (request) => {
      await requireResourceGroup(deps.store, deps.installation.subscriptionId, request.params.resourceGroupName);
      const page = await deps.store.list<D>(kind.collection, {
        where: [
          { field: 'subscription', op: 'eq', value: deps.installation.subscriptionId.toLowerCase() },
          { field: 'resourceGroup', op: 'eq', value: request.params.resourceGroupName.toLowerCase() },
        ],
        ...pagingOf(request),
      });
      return { status: 200, body: listBody(request, page, (record) => render(record, request)) };
    },
  });

  armRoute<CrudParams>(app, deps, {
    ...common,
    method: 'GET',
    url: `/subscriptions/:subscriptionId/providers/${kind.type}`,
    action: 'read',
    summary: `List the ${kind.noun}s in the subscription`,
    handler: async (request) => {
      const page = await deps.store.list<D>(kind.collection, {
        where: [{ field: 'subscription', op: 'eq', value: deps.installation.subscriptionId.toLowerCase() }],
        ...pagingOf(request),
      });
      return { status: 200, body: listBody(request, page, (record) => render(record, request)) };
    },
  });

  armRoute<CrudParams>(app, deps, {
    ...common,
    method: 'DELETE',
    url: one,
    action: 'administer',
    summary: `Delete a ${kind.noun}`,
    responses: { '200': 'Deleted', '204': 'There was no such resource' },
    handler: async (request) => {
      const id = idOf(request.params);
      return deps.store.transaction(async (operations) => {
        const existing = await operations.get<D>(kind.collection, resourceKey(id));
        if (!existing) return { status: 204 };
        await checkLocks(operations, id, 'delete', `deleting the ${kind.noun} ${existing.data.name}`);
        await operations.delete(kind.collection, resourceKey(id), { expectedVersion: existing.version });
        return { status: 200 };
      });
    },
  });

  return { one, idOf };
}
