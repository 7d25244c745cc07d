import type { FastifyInstance } from 'fastify';
import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, validateResourceName, vaultId } from '../../core/ids/index.ts';
import { findMember } from '../../core/states/index.ts';
import {
  API_VERSIONS,
  armRoute,
  checkLocks,
  checkPreconditions,
  etagOf,
  listBody,
  locationField,
  objectBody,
  objectField,
  pagingOf,
  requireResourceGroup,
  resourceKey,
  scopeIndex,
  stringField,
  tagsField,
  type ArmDeps,
} from '../arm/index.ts';
import type { StoredRecord } from '../persistence/index.ts';
import { VAULT_PATH } from './paths.ts';
import { BACKUP_POLICIES } from './policies-store.ts';
import { pageProtectedItems } from './protected-items-store.ts';
import { vaultIdOf, VAULT_SKUS, VAULT_TYPE, VAULTS, type VaultPath, type VaultResource } from './vault-store.ts';

type GroupParams = { subscriptionId: string; resourceGroupName: string };

function render(record: StoredRecord<VaultResource>): VaultResource {
  return { ...record.data, etag: etagOf(record.version) };
}

function skuOf(body: Record<string, unknown>): VaultResource['sku'] {
  const sku = objectField(body, 'sku');
  const name = stringField(sku, 'name', 'sku.name', { max: 32 }) ?? 'Standard';
  const found = findMember(VAULT_SKUS, name);
  if (found === undefined) throw new ArcaError('InvalidRequestContent', { reason: `sku.name must be one of ${VAULT_SKUS.join(', ')}` });
  return { name: found, tier: 'Standard' };
}

/** Recovery Services vaults: the top-level resource that owns policies and protected items. */
export function registerVaultRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const apiVersions = API_VERSIONS.recoveryServicesVaults;
  const subscription = () => ({ field: 'subscription', op: 'eq' as const, value: deps.installation.subscriptionId.toLowerCase() });

  armRoute<VaultPath>(app, deps, {
    method: 'PUT',
    url: VAULT_PATH,
    action: 'administer',
    apiVersions,
    summary: 'Create or update a Recovery Services vault',
    requestBody: { type: 'object', required: ['location'], properties: { location: { type: 'string' }, sku: { type: 'object' }, tags: { type: 'object' }, properties: { type: 'object' } } },
    responses: { '200': 'Updated', '201': 'Created' },
    handler: async (request) => {
      const name = validateResourceName('vault', request.params.vaultName, 'vaultName');
      const body = objectBody(request.body);
      const location = locationField(body) as string;
      const tags = tagsField(body);
      const sku = skuOf(body);
      objectField(body, 'properties');
      return deps.store.transaction(async (operations) => {
        const group = await requireResourceGroup(operations, deps.installation.subscriptionId, request.params.resourceGroupName);
        const id = vaultId({ subscriptionId: deps.installation.subscriptionId, resourceGroup: group.data.name }, name);
        const existing = await operations.get<VaultResource>(VAULTS, resourceKey(id));
        checkPreconditions(request.headers, existing, formatResourceId(id));
        if (existing && existing.data.location !== location) {
          throw new ArcaError('InvalidRequestContent', { reason: `the vault is in ${existing.data.location}; a vault cannot move to ${location}` });
        }
        await checkLocks(operations, id, 'write', `${existing ? 'updating' : 'creating'} the vault ${name}`);
        const data: VaultResource = {
          id: existing?.data.id ?? formatResourceId(id),
          name: existing?.data.name ?? name,
          type: VAULT_TYPE,
          location,
          ...(tags ? { tags } : {}),
          sku,
          properties: { provisioningState: 'Succeeded' },
        };
        const stored = await operations.put<VaultResource>(VAULTS, { id: resourceKey(id), data, index: scopeIndex(id, { location }) }, { expectedVersion: existing?.version ?? 0 });
        return { status: existing ? 200 : 201, body: render(stored) };
      });
    },
  });

  armRoute<VaultPath>(app, deps, {
    method: 'GET',
    url: VAULT_PATH,
    action: 'read',
    apiVersions,
    summary: 'Get a Recovery Services vault',
    handler: async (request) => {
      const id = vaultIdOf(request.params);
      const record = await deps.store.get<VaultResource>(VAULTS, resourceKey(id));
      if (!record) throw new ArcaError('ResourceNotFound', { resourceId: formatResourceId(id) });
      return { status: 200, body: render(record) };
    },
  });

  armRoute<GroupParams>(app, deps, {
    method: 'GET',
    url: '/subscriptions/:subscriptionId/resourceGroups/:resourceGroupName/providers/Microsoft.RecoveryServices/vaults',
    action: 'read',
    apiVersions,
    summary: 'List the vaults in a resource group',
    handler: async (request) => {
      await requireResourceGroup(deps.store, deps.installation.subscriptionId, request.params.resourceGroupName);
      const page = await deps.store.list<VaultResource>(VAULTS, {
        where: [subscription(), { field: 'resourceGroup', op: 'eq', value: request.params.resourceGroupName.toLowerCase() }],
        ...pagingOf(request),
      });
      return { status: 200, body: listBody(request, page, render) };
    },
  });

  armRoute<{ subscriptionId: string }>(app, deps, {
    method: 'GET',
    url: '/subscriptions/:subscriptionId/providers/Microsoft.RecoveryServices/vaults',
    action: 'read',
    apiVersions,
    summary: 'List the vaults in the subscription',
    handler: async (request) => {
      const page = await deps.store.list<VaultResource>(VAULTS, { where: [subscription()], ...pagingOf(request) });
      return { status: 200, body: listBody(request, page, render) };
    },
  });

  armRoute<VaultPath>(app, deps, {
    method: 'DELETE',
    url: VAULT_PATH,
    action: 'administer',
    apiVersions,
    summary: 'Delete a vault that holds no backup items (soft-deleted ones included)',
    responses: { '200': 'Deleted', '204': 'There was no such vault' },
    handler: async (request) => {
      const id = vaultIdOf(request.params);
      return deps.store.transaction(async (operations) => {
        const existing = await operations.get<VaultResource>(VAULTS, resourceKey(id));
        if (!existing) return { status: 204 };
        const items = await pageProtectedItems(operations, existing.data.id, {}, { limit: 1000 });
        const [first] = items.records;
        if (first) {
          const itemCount = items.continuation ? `${items.records.length}+` : items.records.length;
          throw new ArcaError('UserErrorVaultNotEmpty', { vaultName: existing.data.name, itemCount, itemName: first.data.friendlyName });
        }
        await checkLocks(operations, id, 'delete', `deleting the vault ${existing.data.name}`);
        await operations.delete(VAULTS, existing.id, { expectedVersion: existing.version });
        // The vault's policies go with it, as children do in ARM.
        for (const policy of (await operations.list(BACKUP_POLICIES, { where: [{ field: 'vault', op: 'eq', value: existing.id }], limit: 1000 })).records) {
          await operations.delete(BACKUP_POLICIES, policy.id);
        }
        return { status: 200 };
      });
    },
  });
}
