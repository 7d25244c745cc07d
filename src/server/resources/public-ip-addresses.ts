import type { FastifyInstance } from 'fastify';
import { ArcaError, invalidArgument } from '../../core/errors/index.ts';
import { formatResourceId, type ResourceId } from '../../core/ids/index.ts';
import { API_VERSIONS, armRoute, normalizeLocation, objectField, resourceKey, type ArmDeps, type ArmResource } from '../arm/index.ts';
import type { MetadataOperations } from '../persistence/index.ts';
import { COLLECTIONS } from './contents.ts';
import { enumField, patternField } from './fields.ts';
import { registerResourceCrud, resourceIndex } from './resource-crud.ts';

export const PUBLIC_IP_TYPE = 'Microsoft.Network/publicIPAddresses';
/** Azure's rule for DNS name labels. */
const LABEL = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;
const LABEL_RULE = '3 to 63 lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit';
const ALLOCATIONS = ['Dynamic', 'Static'] as const;

export interface PublicIpProperties {
  readonly publicIPAllocationMethod: (typeof ALLOCATIONS)[number];
  readonly publicIPAddressVersion: 'IPv4';
  readonly dnsSettings?: { readonly domainNameLabel: string };
  readonly provisioningState: 'Succeeded';
}
export type PublicIpRecord = ArmResource<PublicIpProperties>;

/** Labels are unique per location; the index key says both. */
function labelKey(location: string, label: string): string {
  return `${normalizeLocation(location)}/${label.toLowerCase()}`;
}

async function labelHolder(store: MetadataOperations, location: string, label: string): Promise<PublicIpRecord | undefined> {
  const page = await store.list<PublicIpRecord>(COLLECTIONS.publicIpAddresses, { where: [{ field: 'dnsLabel', op: 'eq', value: labelKey(location, label) }], limit: 1 });
  return page.records[0]?.data;
}

/** True when no public IP address in `location` uses `label`. Restore validation calls this. */
export async function dnsLabelAvailable(store: MetadataOperations, location: string, label: string): Promise<boolean> {
  return (await labelHolder(store, location, label)) === undefined;
}

/**
 * Creates a static public IP address holding `label` in `location` (a restore to a new machine gives
 * it its DNS name this way, as Azure's restore creates the machine's public IP). DnsRecordInUse
 * when the label is taken; a ConflictError when an address of that id exists.
 */
export async function createPublicIpWithLabel(store: MetadataOperations, input: { id: ResourceId; location: string; label: string }): Promise<void> {
  const location = normalizeLocation(input.location);
  const holder = await labelHolder(store, location, input.label);
  if (holder) throw new ArcaError('DnsRecordInUse', { label: input.label, location, resourceId: holder.id });
  const data: PublicIpRecord = {
    id: formatResourceId(input.id),
    name: input.id.types.at(-1)?.name ?? '',
    type: PUBLIC_IP_TYPE,
    location,
    properties: { publicIPAllocationMethod: 'Static', publicIPAddressVersion: 'IPv4', dnsSettings: { domainNameLabel: input.label }, provisioningState: 'Succeeded' },
  };
  const index = resourceIndex(input.id, location, { dnsLabel: labelKey(location, input.label) });
  await store.put<PublicIpRecord>(COLLECTIONS.publicIpAddresses, { id: resourceKey(input.id), data, index }, { expectedVersion: 0 });
}

/** Public IP addresses, for their DNS name labels, and Azure's label availability check. */
export function registerPublicIpAddressRoutes(app: FastifyInstance, deps: ArmDeps): void {
  registerResourceCrud<PublicIpRecord>(app, deps, {
    type: PUBLIC_IP_TYPE,
    collection: COLLECTIONS.publicIpAddresses,
    nameKind: 'publicIpAddress',
    nameParam: 'publicIpAddressName',
    noun: 'public IP address',
    apiVersions: API_VERSIONS.network,
    requestBody: {
      type: 'object',
      required: ['location'],
      properties: {
        location: { type: 'string' },
        properties: { type: 'object', properties: { publicIPAllocationMethod: { enum: [...ALLOCATIONS] }, dnsSettings: { type: 'object', properties: { domainNameLabel: { type: 'string' } } } } },
      },
    },
    build: async ({ id, name, location, tags, body, existing, operations }) => {
      const properties = objectField(body, 'properties');
      const allocation = enumField(properties, 'publicIPAllocationMethod', 'properties.publicIPAllocationMethod', ALLOCATIONS) ?? 'Dynamic';
      enumField(properties, 'publicIPAddressVersion', 'properties.publicIPAddressVersion', ['IPv4']);
      const dns = objectField(properties, 'dnsSettings', 'properties.dnsSettings');
      const label = patternField(dns, 'domainNameLabel', 'properties.dnsSettings.domainNameLabel', LABEL, LABEL_RULE);
      const data: PublicIpRecord = {
        id: existing?.data.id ?? formatResourceId(id),
        name,
        type: PUBLIC_IP_TYPE,
        location,
        ...(tags ? { tags } : {}),
        properties: { publicIPAllocationMethod: allocation, publicIPAddressVersion: 'IPv4', ...(label ? { dnsSettings: { domainNameLabel: label } } : {}), provisioningState: 'Succeeded' },
      };
      const holder = label === undefined ? undefined : await labelHolder(operations, location, label);
      if (label !== undefined && holder && holder.id.toLowerCase() !== data.id.toLowerCase()) {
        throw new ArcaError('DnsRecordInUse', { label, location, resourceId: holder.id });
      }
      return data;
    },
    index: (data): Record<string, string> => (data.properties.dnsSettings ? { dnsLabel: labelKey(data.location ?? '', data.properties.dnsSettings.domainNameLabel) } : {}),
  });

  armRoute<{ subscriptionId: string; location: string }>(app, deps, {
    method: 'GET',
    url: '/subscriptions/:subscriptionId/providers/Microsoft.Network/locations/:location/CheckDnsNameAvailability',
    action: 'read',
    apiVersions: API_VERSIONS.network,
    summary: 'Check whether a DNS name label is free in a location (query: domainNameLabel)',
    handler: async (request) => {
      const label = request.query.domainNameLabel;
      if (label === undefined || !LABEL.test(label)) throw invalidArgument('domainNameLabel', `must be ${LABEL_RULE}`);
      const location = normalizeLocation(request.params.location);
      if (!/^[a-z0-9]{1,64}$/.test(location)) throw invalidArgument('location', 'it is not a region name');
      return { status: 200, body: { available: await dnsLabelAvailable(deps.store, location, label) } };
    },
  });
}
