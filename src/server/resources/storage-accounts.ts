import type { FastifyInstance } from 'fastify';
import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, RESOURCE_TYPES, type ResourceId } from '../../core/ids/index.ts';
import { API_VERSIONS, objectField, resourceKey, type ArmDeps, type ArmResource } from '../arm/index.ts';
import type { MetadataOperations, StoredRecord } from '../persistence/index.ts';
import { COLLECTIONS } from './contents.ts';
import { enumField } from './fields.ts';
import { registerResourceCrud } from './resource-crud.ts';

export const STORAGE_SKUS = ['Standard_LRS', 'Standard_GRS', 'Standard_RAGRS', 'Standard_ZRS', 'Standard_GZRS', 'Standard_RAGZRS', 'Premium_LRS', 'Premium_ZRS'] as const;
export const STORAGE_KINDS = ['StorageV2', 'Storage', 'BlobStorage', 'BlockBlobStorage', 'FileStorage'] as const;
export const PRIMARY_STATUSES = ['available', 'unavailable'] as const;

export interface StorageAccountProperties {
  /** Arca lets PUT set it, so that a test or an operator can take an account offline. */
  readonly statusOfPrimary: (typeof PRIMARY_STATUSES)[number];
  readonly primaryLocation: string;
  readonly provisioningState: 'Succeeded';
}

export interface StorageAccountRecord extends ArmResource<StorageAccountProperties> {
  readonly sku: { readonly name: (typeof STORAGE_SKUS)[number]; readonly tier: 'Standard' | 'Premium' };
  readonly kind: (typeof STORAGE_KINDS)[number];
}

/** The storage account, or undefined; restore validation reads region, SKU and statusOfPrimary from it. */
export function getStorageAccount(store: MetadataOperations, id: ResourceId | string): Promise<StoredRecord<StorageAccountRecord> | undefined> {
  return store.get<StorageAccountRecord>(COLLECTIONS.storageAccounts, resourceKey(id));
}

/** Storage accounts: restore targets with a region, a SKU and an online state. Names are unique in the installation. */
export function registerStorageAccountRoutes(app: FastifyInstance, deps: ArmDeps): void {
  registerResourceCrud<StorageAccountRecord>(app, deps, {
    type: RESOURCE_TYPES.storageAccount,
    collection: COLLECTIONS.storageAccounts,
    nameKind: 'storageAccount',
    nameParam: 'accountName',
    noun: 'storage account',
    apiVersions: API_VERSIONS.storage,
    requestBody: {
      type: 'object',
      required: ['location', 'sku'],
      properties: {
        location: { type: 'string' },
        sku: { type: 'object', properties: { name: { enum: [...STORAGE_SKUS] } } },
        kind: { enum: [...STORAGE_KINDS] },
        properties: { type: 'object', properties: { statusOfPrimary: { enum: [...PRIMARY_STATUSES] } } },
      },
    },
    build: async ({ id, name, location, tags, body, existing, operations }) => {
      if (body.sku === undefined) throw new ArcaError('InvalidRequestContent', { reason: 'sku is required' });
      const skuName = enumField(objectField(body, 'sku'), 'name', 'sku.name', STORAGE_SKUS, { required: true }) as (typeof STORAGE_SKUS)[number];
      const kind = enumField(body, 'kind', 'kind', STORAGE_KINDS) ?? existing?.data.kind ?? 'StorageV2';
      const properties = objectField(body, 'properties');
      const statusOfPrimary = enumField(properties, 'statusOfPrimary', 'properties.statusOfPrimary', PRIMARY_STATUSES) ?? existing?.data.properties.statusOfPrimary ?? 'available';
      if (!existing) {
        const taken = await operations.list<StorageAccountRecord>(COLLECTIONS.storageAccounts, { where: [{ field: 'name', op: 'eq', value: name.toLowerCase() }], limit: 1 });
        const other = taken.records[0];
        if (other) throw new ArcaError('StorageAccountAlreadyTaken', { name, resourceId: other.data.id });
      }
      return {
        id: existing?.data.id ?? formatResourceId(id),
        name,
        type: RESOURCE_TYPES.storageAccount,
        location,
        ...(tags ? { tags } : {}),
        sku: { name: skuName, tier: skuName.startsWith('Premium') ? 'Premium' : 'Standard' },
        kind,
        properties: { statusOfPrimary, primaryLocation: location, provisioningState: 'Succeeded' },
      };
    },
    index: (data) => ({ name: data.name.toLowerCase() }),
  });
}
