import type { FastifyInstance } from 'fastify';
import { ArcaError, invalidArgument } from '../../core/errors/index.ts';
import { formatResourceId, RESOURCE_TYPES } from '../../core/ids/index.ts';
import { findMember } from '../../core/states/index.ts';
import { API_VERSIONS, armRoute, checkLocks, objectBody, objectField, resourceKey, type ArmResource } from '../arm/index.ts';
import type { ArmDeps } from '../arm/index.ts';
import { COLLECTIONS } from './contents.ts';
import { booleanField, enumField, GUID, patternField } from './fields.ts';
import { applyPolicyChange, parseAccessPolicies, type AccessPolicy } from './key-vault-policies.ts';
import { registerResourceCrud, resourceIndex, type CrudParams } from './resource-crud.ts';

export interface KeyVaultProperties {
  readonly tenantId: string;
  readonly sku: { readonly family: 'A'; readonly name: 'standard' | 'premium' };
  readonly accessPolicies: readonly AccessPolicy[];
  readonly enabledForDiskEncryption: boolean;
  readonly provisioningState: 'Succeeded';
}
export type KeyVaultRecord = ArmResource<KeyVaultProperties>;

const SKUS = ['standard', 'premium'] as const;
const OPERATION_KINDS = ['add', 'replace', 'remove'] as const;

/** Key vaults: where encrypted machines' disk keys live, and who may read them. */
export function registerKeyVaultRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const vaults = registerResourceCrud<KeyVaultRecord>(app, deps, {
    type: RESOURCE_TYPES.keyVault,
    collection: COLLECTIONS.keyVaults,
    nameKind: 'keyVault',
    nameParam: 'vaultName',
    noun: 'key vault',
    apiVersions: API_VERSIONS.keyVault,
    requestBody: {
      type: 'object',
      required: ['location', 'properties'],
      properties: {
        location: { type: 'string' },
        properties: {
          type: 'object',
          required: ['tenantId', 'sku'],
          description: 'tenantId (GUID); sku {family: A, name: standard|premium}; accessPolicies [{tenantId, objectId, permissions {keys[], secrets[], certificates[]}}]; enabledForDiskEncryption',
        },
      },
    },
    build: async ({ id, name, location, tags, body }) => {
      const properties = objectField(body, 'properties');
      const tenantId = (patternField(properties, 'tenantId', 'properties.tenantId', GUID, 'a GUID', { required: true }) as string).toLowerCase();
      if (properties.sku === undefined) throw new ArcaError('InvalidRequestContent', { reason: 'properties.sku is required' });
      const sku = objectField(properties, 'sku', 'properties.sku');
      const skuName = enumField(sku, 'name', 'properties.sku.name', SKUS, { required: true }) as (typeof SKUS)[number];
      enumField(sku, 'family', 'properties.sku.family', ['A']);
      return {
        id: formatResourceId(id),
        name,
        type: RESOURCE_TYPES.keyVault,
        location,
        ...(tags ? { tags } : {}),
        properties: {
          tenantId,
          sku: { family: 'A', name: skuName },
          accessPolicies: parseAccessPolicies(properties, 'properties.accessPolicies'),
          enabledForDiskEncryption: booleanField(properties, 'enabledForDiskEncryption', 'properties.enabledForDiskEncryption') ?? false,
          provisioningState: 'Succeeded',
        },
      };
    },
  });

  armRoute<CrudParams>(app, deps, {
    method: 'PUT',
    url: `${vaults.one}/accessPolicies/:operationKind`,
    action: 'administer',
    apiVersions: API_VERSIONS.keyVault,
    summary: 'Add, replace or remove access policies of a key vault (operationKind: add | replace | remove)',
    requestBody: { type: 'object', required: ['properties'], properties: { properties: { type: 'object', required: ['accessPolicies'], properties: { accessPolicies: { type: 'array' } } } } },
    handler: async (request) => {
      const kind = findMember(OPERATION_KINDS, request.params.operationKind ?? '');
      if (kind === undefined) throw invalidArgument('operationKind', `must be one of ${OPERATION_KINDS.join(', ')}`);
      const properties = objectField(objectBody(request.body), 'properties');
      if (!Array.isArray(properties.accessPolicies)) throw new ArcaError('InvalidRequestContent', { reason: 'properties.accessPolicies must be an array' });
      const change = parseAccessPolicies(properties, 'properties.accessPolicies');
      const id = vaults.idOf(request.params);
      const policies = await deps.store.transaction(async (operations) => {
        const existing = await operations.get<KeyVaultRecord>(COLLECTIONS.keyVaults, resourceKey(id));
        if (!existing) throw new ArcaError('ParentResourceNotFound', { parentId: formatResourceId(id) });
        await checkLocks(operations, id, 'write', `changing the access policies of key vault ${existing.data.name}`);
        const accessPolicies = applyPolicyChange(existing.data.properties.accessPolicies, kind, change);
        const data: KeyVaultRecord = { ...existing.data, properties: { ...existing.data.properties, accessPolicies } };
        await operations.put<KeyVaultRecord>(COLLECTIONS.keyVaults, { id: resourceKey(id), data, index: resourceIndex(id, data.location) }, { expectedVersion: existing.version });
        return { vaultId: existing.data.id, accessPolicies };
      });
      return {
        status: 200,
        body: { id: `${policies.vaultId}/accessPolicies/${kind}`, name: kind, type: 'Microsoft.KeyVault/vaults/accessPolicies', properties: { accessPolicies: policies.accessPolicies } },
      };
    },
  });
}
