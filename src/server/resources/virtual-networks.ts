import type { FastifyInstance } from 'fastify';
import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, RESOURCE_TYPES, subnetId, validateResourceName } from '../../core/ids/index.ts';
import { API_VERSIONS, armRoute, checkLocks, objectBody, objectField, resourceKey, stringField, type ArmDeps } from '../arm/index.ts';
import type { MetadataOperations } from '../persistence/index.ts';
import { COLLECTIONS } from './contents.ts';
import { arrayField, objectAt } from './fields.ts';
import { registerResourceCrud, resourceIndex, type CrudParams, type RegisteredKind } from './resource-crud.ts';
import { checkNetwork, getVirtualNetwork, renderNetwork, renderSubnet, type SubnetEntry, type VirtualNetworkRecord } from './virtual-network-model.ts';

function subnetOf(input: Record<string, unknown>, path: string, name: string): SubnetEntry {
  const properties = objectField(input, 'properties', `${path}.properties`);
  const addressPrefix = stringField(properties, 'addressPrefix', `${path}.properties.addressPrefix`, { required: true, max: 64 }) as string;
  return { name, properties: { addressPrefix, provisioningState: 'Succeeded' } };
}

/** Virtual networks with their address space and subnets; subnets are also served as child resources. */
export function registerVirtualNetworkRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const networks = registerResourceCrud<VirtualNetworkRecord>(app, deps, {
    type: RESOURCE_TYPES.virtualNetwork,
    collection: COLLECTIONS.virtualNetworks,
    nameKind: 'virtualNetwork',
    nameParam: 'virtualNetworkName',
    noun: 'virtual network',
    apiVersions: API_VERSIONS.network,
    requestBody: {
      type: 'object',
      required: ['location', 'properties'],
      properties: {
        location: { type: 'string' },
        properties: { type: 'object', description: 'addressSpace.addressPrefixes [IPv4 CIDR]; subnets [{name, properties.addressPrefix}] (absent: the existing subnets are kept)' },
      },
    },
    build: async ({ id, name, location, tags, body, existing }) => {
      const properties = objectField(body, 'properties');
      const space = objectField(properties, 'addressSpace', 'properties.addressSpace');
      const addressPrefixes = arrayField(space, 'addressPrefixes', 'properties.addressSpace.addressPrefixes', 100).map((value, i) => {
        if (typeof value !== 'string') throw new ArcaError('InvalidRequestContent', { reason: `properties.addressSpace.addressPrefixes[${i}] must be a string` });
        return value;
      });
      if (addressPrefixes.length === 0) throw new ArcaError('InvalidRequestContent', { reason: 'properties.addressSpace.addressPrefixes needs at least one prefix' });
      const subnets =
        properties.subnets === undefined
          ? (existing?.data.properties.subnets ?? [])
          : arrayField(properties, 'subnets', 'properties.subnets', 1000).map((value, i) => {
              const input = objectAt(value, `properties.subnets[${i}]`);
              return subnetOf(input, `properties.subnets[${i}]`, stringField(input, 'name', `properties.subnets[${i}].name`, { required: true, max: 80 }) as string);
            });
      checkNetwork(addressPrefixes, subnets);
      return {
        id: existing?.data.id ?? formatResourceId(id),
        name,
        type: RESOURCE_TYPES.virtualNetwork,
        location,
        ...(tags ? { tags } : {}),
        properties: { addressSpace: { addressPrefixes }, subnets, provisioningState: 'Succeeded' },
      };
    },
    render: renderNetwork,
  });
  registerSubnetRoutes(app, deps, networks);
}

type SubnetParams = CrudParams & { subnetName: string };

function registerSubnetRoutes(app: FastifyInstance, deps: ArmDeps, networks: RegisteredKind): void {
  const one = `${networks.one}/subnets/:subnetName`;
  const versions = API_VERSIONS.network;

  /** Reads the network (ParentResourceNotFound when absent), lets `change` edit its subnets, and writes it back. */
  const editSubnets = async (operations: MetadataOperations, params: SubnetParams, operation: 'write' | 'delete', change: (subnets: SubnetEntry[]) => SubnetEntry[]) => {
    const networkId = networks.idOf(params);
    const record = await getVirtualNetwork(operations, networkId);
    if (!record) throw new ArcaError('ParentResourceNotFound', { parentId: formatResourceId(networkId) });
    await checkLocks(operations, subnetId(networkId, params.subnetName), operation, `${operation === 'write' ? 'changing' : 'deleting'} subnet ${params.subnetName} of ${record.data.name}`);
    const subnets = change([...record.data.properties.subnets]);
    checkNetwork(record.data.properties.addressSpace.addressPrefixes, subnets);
    const data: VirtualNetworkRecord = { ...record.data, properties: { ...record.data.properties, subnets } };
    const stored = await operations.put<VirtualNetworkRecord>(COLLECTIONS.virtualNetworks, { id: resourceKey(networkId), data, index: resourceIndex(networkId, data.location) }, { expectedVersion: record.version });
    return { record, stored };
  };

  armRoute<SubnetParams>(app, deps, {
    method: 'PUT',
    url: one,
    action: 'administer',
    apiVersions: versions,
    summary: 'Create or update a subnet of a virtual network',
    requestBody: { type: 'object', required: ['properties'], properties: { properties: { type: 'object', required: ['addressPrefix'], properties: { addressPrefix: { type: 'string' } } } } },
    responses: { '200': 'Updated', '201': 'Created' },
    handler: async (request) => {
      const name = validateResourceName('subnet', request.params.subnetName, 'subnetName');
      const subnet = subnetOf(objectBody(request.body), 'body', name);
      const same = (s: SubnetEntry) => s.name.toLowerCase() === name.toLowerCase();
      let created = false;
      const { stored } = await deps.store.transaction((operations) =>
        editSubnets(operations, request.params, 'write', (subnets) => {
          const at = subnets.findIndex(same);
          created = at < 0;
          if (created) return [...subnets, subnet];
          return subnets.map((s, i) => (i === at ? { ...subnet, name: s.name } : s));
        }),
      );
      const saved = stored.data.properties.subnets.find(same) as SubnetEntry;
      return { status: created ? 201 : 200, body: renderSubnet(stored.data.id, saved, stored.version) };
    },
  });

  armRoute<SubnetParams>(app, deps, {
    method: 'GET',
    url: one,
    action: 'read',
    apiVersions: versions,
    summary: 'Get a subnet of a virtual network',
    handler: async (request) => {
      const networkId = networks.idOf(request.params);
      const record = await getVirtualNetwork(deps.store, networkId);
      const subnet = record?.data.properties.subnets.find((s) => s.name.toLowerCase() === request.params.subnetName.toLowerCase());
      if (!record || !subnet) throw new ArcaError('ResourceNotFound', { resourceId: formatResourceId(subnetId(networkId, request.params.subnetName)) });
      return { status: 200, body: renderSubnet(record.data.id, subnet, record.version) };
    },
  });

  armRoute<SubnetParams>(app, deps, {
    method: 'GET',
    url: `${networks.one}/subnets`,
    action: 'read',
    apiVersions: versions,
    summary: 'List the subnets of a virtual network',
    handler: async (request) => {
      const networkId = networks.idOf(request.params);
      const record = await getVirtualNetwork(deps.store, networkId);
      if (!record) throw new ArcaError('ParentResourceNotFound', { parentId: formatResourceId(networkId) });
      return { status: 200, body: { value: record.data.properties.subnets.map((s) => renderSubnet(record.data.id, s, record.version)) } };
    },
  });

  armRoute<SubnetParams>(app, deps, {
    method: 'DELETE',
    url: one,
    action: 'administer',
    apiVersions: versions,
    summary: 'Delete a subnet of a virtual network',
    responses: { '200': 'Deleted', '204': 'There was no such subnet' },
    handler: async (request) => {
      const name = request.params.subnetName.toLowerCase();
      const networkId = networks.idOf(request.params);
      const found = await deps.store.transaction(async (operations) => {
        const record = await getVirtualNetwork(operations, networkId);
        if (!record?.data.properties.subnets.some((s) => s.name.toLowerCase() === name)) return false;
        await editSubnets(operations, request.params, 'delete', (subnets) => subnets.filter((s) => s.name.toLowerCase() !== name));
        return true;
      });
      return { status: found ? 200 : 204 };
    },
  });
}
