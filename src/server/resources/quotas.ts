import type { FastifyInstance } from 'fastify';
import { ArcaError, invalidArgument } from '../../core/errors/index.ts';
import { formatResourceId, resourceGroupId } from '../../core/ids/index.ts';
import { findMember } from '../../core/states/index.ts';
import { API_VERSIONS, armRoute, checkLocks, etagOf, normalizeLocation, objectBody, objectField, requireResourceGroup, resourceKey, scopeIndex, type ArmDeps } from '../arm/index.ts';
import type { StoredRecord } from '../persistence/index.ts';
import { integerField } from './fields.ts';
import { QUOTA_NAMES, quotaId, QUOTAS, resourceGroupVmUsage, type QuotaName, type QuotaRecord } from './quota-store.ts';
import { countVirtualMachines } from './virtual-machines-store.ts';

type QuotaParams = { subscriptionId: string; resourceGroupName: string; quotaName: string };
type UsageParams = { subscriptionId: string; location: string };

/** Azure's default regional limit on virtual machines; Arca enforces limits per resource group only. */
const REGIONAL_VM_LIMIT = 25_000;
const MAX_LIMIT = 1_000_000;

function quotaNameOf(text: string): QuotaName {
  const name = findMember(QUOTA_NAMES, text);
  if (name === undefined) throw invalidArgument('quotaName', `the quotas served are: ${QUOTA_NAMES.join(', ')}`);
  return name;
}

/**
 * Usage and limits. Azure's regional usage list (virtual machines per location), and Arca's own
 * per-resource-group VM limit, which creating a VM and restore validation both honour.
 */
export function registerQuotaRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const one = '/subscriptions/:subscriptionId/resourceGroups/:resourceGroupName/providers/Arca.Management/quotas/:quotaName';
  const versions = API_VERSIONS.arca;

  const render = async (record: StoredRecord<QuotaRecord> | undefined, group: ReturnType<typeof resourceGroupId>, name: QuotaName) => {
    const usage = await resourceGroupVmUsage(deps.store, group);
    const id = formatResourceId(quotaId(group, name));
    return {
      id: record?.data.id ?? id,
      name,
      type: 'Arca.Management/quotas',
      properties: { ...(record ? { limit: record.data.properties.limit } : {}), currentValue: usage.current, unit: 'Count' },
      ...(record ? { etag: etagOf(record.version) } : {}),
    };
  };

  armRoute<QuotaParams>(app, deps, {
    method: 'PUT',
    url: one,
    action: 'administer',
    apiVersions: versions,
    summary: 'Arca: set the most virtual machines a resource group may hold (quotaName: virtualMachines); creating a VM or restoring one into a full group is refused',
    requestBody: { type: 'object', required: ['properties'], properties: { properties: { type: 'object', required: ['limit'], properties: { limit: { type: 'integer', minimum: 0 } } } } },
    responses: { '200': 'Updated', '201': 'Created' },
    handler: async (request) => {
      const name = quotaNameOf(request.params.quotaName);
      const properties = objectField(objectBody(request.body), 'properties');
      const limit = integerField(properties, 'limit', 'properties.limit', { min: 0, max: MAX_LIMIT, required: true }) as number;
      const outcome = await deps.store.transaction(async (operations) => {
        const rg = await requireResourceGroup(operations, deps.installation.subscriptionId, request.params.resourceGroupName);
        const group = resourceGroupId({ subscriptionId: deps.installation.subscriptionId, resourceGroup: rg.data.name });
        const id = quotaId(group, name);
        await checkLocks(operations, id, 'write', `setting the ${name} quota of ${rg.data.name}`);
        const existing = await operations.get<QuotaRecord>(QUOTAS, resourceKey(id));
        const data: QuotaRecord = { id: formatResourceId(id), name, type: 'Arca.Management/quotas', properties: { limit } };
        const stored = await operations.put<QuotaRecord>(QUOTAS, { id: resourceKey(id), data, index: scopeIndex(id) }, { expectedVersion: existing?.version ?? 0 });
        return { stored, group, created: !existing };
      });
      return { status: outcome.created ? 201 : 200, body: await render(outcome.stored, outcome.group, name) };
    },
  });

  armRoute<QuotaParams>(app, deps, {
    method: 'GET',
    url: one,
    action: 'read',
    apiVersions: versions,
    summary: 'Arca: a resource group\'s limit (absent when none is set) and current count',
    handler: async (request) => {
      const name = quotaNameOf(request.params.quotaName);
      const rg = await requireResourceGroup(deps.store, deps.installation.subscriptionId, request.params.resourceGroupName);
      const group = resourceGroupId({ subscriptionId: deps.installation.subscriptionId, resourceGroup: rg.data.name });
      const record = await deps.store.get<QuotaRecord>(QUOTAS, resourceKey(quotaId(group, name)));
      return { status: 200, body: await render(record, group, name) };
    },
  });

  armRoute<QuotaParams>(app, deps, {
    method: 'DELETE',
    url: one,
    action: 'administer',
    apiVersions: versions,
    summary: 'Arca: remove a resource group\'s limit',
    responses: { '200': 'Removed', '204': 'There was no limit' },
    handler: async (request) => {
      const name = quotaNameOf(request.params.quotaName);
      const id = quotaId(resourceGroupId({ subscriptionId: deps.installation.subscriptionId, resourceGroup: request.params.resourceGroupName }), name);
      return deps.store.transaction(async (operations) => {
        const existing = await operations.get(QUOTAS, resourceKey(id));
        if (!existing) return { status: 204 };
        await checkLocks(operations, id, 'delete', `removing the ${name} quota of ${request.params.resourceGroupName}`);
        await operations.delete(QUOTAS, resourceKey(id), { expectedVersion: existing.version });
        return { status: 200 };
      });
    },
  });

  armRoute<UsageParams>(app, deps, {
    method: 'GET',
    url: '/subscriptions/:subscriptionId/providers/Microsoft.Compute/locations/:location/usages',
    action: 'read',
    apiVersions: API_VERSIONS.compute,
    summary: 'List compute usage in a location: virtual machines counted against the regional limit',
    handler: async (request) => {
      const location = normalizeLocation(request.params.location);
      if (!/^[a-z0-9]{1,64}$/.test(location)) throw new ArcaError('UserErrorInvalidArgument', { name: 'location', reason: 'it is not a region name' });
      const current = await countVirtualMachines(deps.store, { subscriptionId: deps.installation.subscriptionId, location });
      const value = [{ name: { value: 'virtualMachines', localizedValue: 'Virtual Machines' }, currentValue: current, limit: REGIONAL_VM_LIMIT, unit: 'Count' }];
      return { status: 200, body: { value } };
    },
  });
}
