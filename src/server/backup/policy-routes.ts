import type { FastifyInstance } from 'fastify';
import { ArcaError } from '../../core/errors/index.ts';
import { backupPolicyId, formatResourceId, validateResourceName } from '../../core/ids/index.ts';
import { API_VERSIONS, armRoute, checkLocks, objectBody, type ArmDeps } from '../arm/index.ts';
import type { MetadataOperations, StoredRecord } from '../persistence/index.ts';
import { admits, parseEqFilter } from './eq-filter.ts';
import { VAULT_PATH } from './paths.ts';
import { BACKUP_POLICIES, getBackupPolicy, POLICY_TYPE, saveBackupPolicy, type StoredPolicy } from './policies-store.ts';
import { IAAS_VM, policyFromArm, policyToArm } from './policy-arm.ts';
import { protectedItemsOfVault } from './protected-items-store.ts';
import { idOfVault, requireVault, type VaultPath } from './vault-store.ts';

type Params = VaultPath & { policyName: string };

const MANY = `${VAULT_PATH}/backupPolicies`;
const ONE = `${MANY}/:policyName`;

async function render(store: MetadataOperations, record: StoredRecord<StoredPolicy>): Promise<unknown> {
  const { id, name, vaultId } = record.data;
  const items = await protectedItemsOfVault(store, vaultId, { policyId: id });
  return { id, name, type: POLICY_TYPE, properties: policyToArm(record.data, items.length) };
}

/** Backup policies of a vault: AzureIaasVM V1 (daily, weekly) and V2 (hourly, daily, weekly). */
export function registerPolicyRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const apiVersions = API_VERSIONS.recoveryServicesBackup;

  armRoute<Params>(app, deps, {
    method: 'PUT',
    url: ONE,
    action: 'configure',
    apiVersions,
    summary: 'Create or update an AzureIaasVM backup policy',
    requestBody: { type: 'object', required: ['properties'], properties: { properties: { type: 'object' } } },
    responses: { '200': 'Created or updated' },
    handler: async (request) => {
      const name = validateResourceName('backupPolicy', request.params.policyName, 'policyName');
      const body = objectBody(request.body);
      const { policy, timeZoneName } = policyFromArm(name, body.properties);
      return deps.store.transaction(async (operations) => {
        const vault = await requireVault(operations, request.params);
        const id = backupPolicyId(idOfVault(vault), name);
        const existing = await getBackupPolicy(operations, id);
        if (existing && existing.data.policy.policyType !== policy.policyType) {
          throw new ArcaError('UserErrorPolicyTypeChangeNotAllowed', { subject: `Policy ${existing.data.name}`, fromType: existing.data.policy.policyType, toType: policy.policyType });
        }
        await checkLocks(operations, id, 'write', `${existing ? 'updating' : 'creating'} the backup policy ${name}`);
        const data: StoredPolicy = {
          id: existing?.data.id ?? formatResourceId(id),
          name: existing?.data.name ?? name,
          vaultId: vault.data.id,
          policy: { ...policy, name: existing?.data.name ?? name },
          timeZoneName,
        };
        const stored = await saveBackupPolicy(operations, data, existing?.version ?? 0);
        return { status: 200, body: await render(operations, stored) };
      });
    },
  });

  armRoute<Params>(app, deps, {
    method: 'GET',
    url: ONE,
    action: 'read',
    apiVersions,
    summary: 'Get a backup policy',
    handler: async (request) => {
      const vault = await requireVault(deps.store, request.params);
      const id = backupPolicyId(idOfVault(vault), request.params.policyName);
      const record = await getBackupPolicy(deps.store, id);
      if (!record) throw new ArcaError('UserErrorPolicyNotFound', { policyName: request.params.policyName, vaultName: vault.data.name });
      return { status: 200, body: await render(deps.store, record) };
    },
  });

  armRoute<VaultPath>(app, deps, {
    method: 'GET',
    url: MANY,
    action: 'read',
    apiVersions,
    summary: "List a vault's backup policies ($filter: backupManagementType, workloadType, fabricName)",
    handler: async (request) => {
      const filter = parseEqFilter(request.query.$filter, ['backupManagementType', 'workloadType', 'fabricName'] as const);
      const vault = await requireVault(deps.store, request.params);
      if (!admits(filter.backupManagementType, IAAS_VM) || !admits(filter.workloadType, 'VM') || !admits(filter.fabricName, 'Azure')) return { status: 200, body: { value: [] } };
      const value: unknown[] = [];
      let continuation: string | undefined;
      do {
        const page = await deps.store.list<StoredPolicy>(BACKUP_POLICIES, {
          where: [{ field: 'vault', op: 'eq', value: vault.data.id.toLowerCase() }],
          limit: 1000,
          ...(continuation ? { continuation } : {}),
        });
        for (const record of page.records) value.push(await render(deps.store, record));
        continuation = page.continuation;
      } while (continuation);
      return { status: 200, body: { value } };
    },
  });

  armRoute<Params>(app, deps, {
    method: 'DELETE',
    url: ONE,
    action: 'configure',
    apiVersions,
    summary: 'Delete a backup policy that no protected item follows',
    responses: { '200': 'Deleted', '204': 'There was no such policy' },
    handler: async (request) => {
      return deps.store.transaction(async (operations) => {
        const vault = await requireVault(operations, request.params);
        const id = backupPolicyId(idOfVault(vault), request.params.policyName);
        const existing = await getBackupPolicy(operations, id);
        if (!existing) return { status: 204 };
        const users = await protectedItemsOfVault(operations, vault.data.id, { policyId: existing.data.id });
        if (users.length > 0) {
          throw new ArcaError('UserErrorPolicyInUse', {
            policyName: existing.data.name,
            vaultName: vault.data.name,
            itemCount: users.length,
            itemName: users[0]?.data.friendlyName ?? '',
          });
        }
        await checkLocks(operations, id, 'delete', `deleting the backup policy ${existing.data.name}`);
        await operations.delete(BACKUP_POLICIES, existing.id, { expectedVersion: existing.version });
        return { status: 200 };
      });
    },
  });
}
