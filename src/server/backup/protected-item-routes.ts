import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, parseResourceId, resourceName, type ResourceId } from '../../core/ids/index.ts';
import { accepted, API_VERSIONS, armRoute, checkLocks, createOperation, finishOperation, normalizeLocation, resourceKey, type ArmDeps, type ArmRequest } from '../arm/index.ts';
import { createJobIn, READY_FIRST } from '../jobs/index.ts';
import type { MetadataOperations, StoredRecord } from '../persistence/index.ts';
import { VIRTUAL_MACHINES, type VirtualMachineRecord } from '../resources/virtual-machine-model.ts';
import { ITEM_PATH } from './paths.ts';
import { getBackupPolicy } from './policies-store.ts';
import { changeProtection, enableProtection, type ChangeResult, type ItemChange, type PolicyRef } from './protected-item-changes.ts';
import { renderProtectedItem } from './protected-item-render.ts';
import { itemAddress, readItemRequest, type ItemAddress, type ItemRequest } from './protected-item-request.ts';
import { getProtectedItem, protectedItemForVm, saveProtectedItem, type StoredProtectedItem } from './protected-items-store.ts';
import { idOfVault, requireVault, type VaultPath, type VaultResource } from './vault-store.ts';

export type ItemParams = VaultPath & { fabricName: string; containerName: string; protectedItemName: string };

/** Azure's one fabric for VMs; any other fabric name designates nothing here. */
export function checkFabric(request: ArmRequest<{ fabricName: string }>): void {
  if (request.params.fabricName.toLowerCase() !== 'azure') throw new ArcaError('ResourceNotFound', { resourceId: request.path });
}

/** The vault and the item the path designates. */
export async function locateItem(store: MetadataOperations, request: ArmRequest<ItemParams>): Promise<{ vault: StoredRecord<VaultResource>; address: ItemAddress }> {
  checkFabric(request);
  const vault = await requireVault(store, request.params);
  return { vault, address: itemAddress(idOfVault(vault), request.params.containerName, request.params.protectedItemName) };
}

async function policyRef(store: MetadataOperations, vault: StoredRecord<VaultResource>, policyId: ResourceId): Promise<PolicyRef> {
  const record = await getBackupPolicy(store, policyId);
  if (!record) throw new ArcaError('UserErrorPolicyNotFound', { policyName: resourceName(policyId), vaultName: vault.data.name });
  return { id: record.data.id, name: record.data.name, policyType: record.data.policy.policyType };
}

/** The checks a first protection passes: the VM exists, lives in the vault's region and no other vault protects it. */
async function enable(store: MetadataOperations, vault: StoredRecord<VaultResource>, address: ItemAddress, policy: PolicyRef, now: Date): Promise<ChangeResult> {
  const vm = await store.get<VirtualMachineRecord>(VIRTUAL_MACHINES, resourceKey(address.vmId));
  if (!vm) throw new ArcaError('ResourceNotFound', { resourceId: formatResourceId(address.vmId) });
  const vmLocation = normalizeLocation(vm.data.location ?? '');
  if (vmLocation !== vault.data.location) {
    throw new ArcaError('UserErrorVmNotInVaultRegion', { vmName: vm.data.name, vmLocation, vaultName: vault.data.name, vaultLocation: vault.data.location });
  }
  const other = await protectedItemForVm(store, vm.data.id);
  if (other) {
    const otherVault = parseResourceId(other.data.vaultId);
    throw new ArcaError('UserErrorVmAlreadyProtectedInAnotherVault', {
      vmName: vm.data.name,
      otherVault: resourceName(otherVault),
      otherVaultId: other.data.vaultId,
      otherResourceGroup: otherVault.resourceGroup ?? '',
    });
  }
  const vaultId = idOfVault(vault);
  const id = address.itemId;
  return enableProtection(
    {
      id: formatResourceId(id),
      name: resourceName(id),
      vaultId: formatResourceId(vaultId),
      containerName: id.types[2]?.name ?? '',
      sourceResourceId: vm.data.id,
      friendlyName: vm.data.name,
      protectedItemDataId: randomUUID(),
      createdAt: now.toISOString(),
    },
    policy,
  );
}

function changeFor(request: ItemRequest, policy: PolicyRef | undefined): ItemChange {
  if (request.kind === 'protect' && policy) return { kind: 'protect', policy };
  return request.kind === 'undelete' ? { kind: 'undelete' } : { kind: 'stop' };
}

/**
 * Saves the change with the job Azure shows for it (ConfigureBackup, DisableBackup, DeleteBackupData,
 * Undelete: refused while a backup of the item runs) and records its operation, finished already and
 * naming the job; answers 202 pointing at it. The job itself finishes at once (see `ArmDeps.jobs`).
 */
async function commit(
  operations: MetadataOperations,
  deps: ArmDeps,
  request: ArmRequest<ItemParams>,
  change: { result: ChangeResult; existing?: StoredRecord<StoredProtectedItem> },
): Promise<ReturnType<typeof accepted>> {
  const { item, operation } = change.result;
  await checkLocks(operations, parseResourceId(item.id), 'write', `changing the protection of ${item.friendlyName}`);
  const job = await createJobIn(operations, {
    vaultId: item.vaultId,
    itemId: item.id,
    vmId: item.sourceResourceId,
    operation,
    friendlyName: item.friendlyName,
    containerName: item.containerName.split(';').slice(1).join(';'),
    isUserTriggered: true,
    now: request.now,
    payload: { protectionState: item.protectionState },
    readyAt: READY_FIRST,
  });
  await saveProtectedItem(operations, item, change.existing?.version ?? 0);
  const op = await createOperation(operations, { kind: operation, resourceId: item.id, now: request.now, jobId: job.data.id });
  await finishOperation(operations, op.id, { status: 'Succeeded', now: request.now });
  return accepted(request, { status: `${item.id}/operationsStatus/${op.id}`, result: `${item.id}/operationResults/${op.id}` }, deps.retryAfterSeconds);
}

/** Protected items: enable, modify, stop, resume, delete (soft) and undelete protection of a VM. */
export function registerProtectedItemRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const apiVersions = API_VERSIONS.recoveryServicesBackup;

  armRoute<ItemParams>(app, deps, {
    method: 'PUT',
    url: ITEM_PATH,
    action: 'configure',
    apiVersions,
    summary: 'Enable, modify, stop (keeping data), resume or undelete the protection of a virtual machine',
    requestBody: { type: 'object', required: ['properties'], properties: { properties: { type: 'object' } } },
    responses: { '202': 'Accepted; follow Azure-AsyncOperation or Location' },
    handler: async (request) => {
      const answer = await deps.store.transaction(async (operations) => {
        const { vault, address } = await locateItem(operations, request);
        const asked = readItemRequest(request.body, address, idOfVault(vault));
        const policy = asked.kind === 'protect' ? await policyRef(operations, vault, asked.policyId) : undefined;
        const existing = await getProtectedItem(operations, address.itemId);
        if (existing) return commit(operations, deps, request, { result: changeProtection(existing.data, changeFor(asked, policy), request.now), existing });
        if (!policy) throw new ArcaError('ResourceNotFound', { resourceId: formatResourceId(address.itemId) });
        return commit(operations, deps, request, { result: await enable(operations, vault, address, policy, request.now) });
      });
      await deps.jobs?.runImmediate();
      return answer;
    },
  });

  armRoute<ItemParams>(app, deps, {
    method: 'GET',
    url: ITEM_PATH,
    action: 'read',
    apiVersions,
    summary: 'Get a protected item',
    handler: async (request) => {
      const { address } = await locateItem(deps.store, request);
      const record = await getProtectedItem(deps.store, address.itemId);
      if (!record) throw new ArcaError('ResourceNotFound', { resourceId: formatResourceId(address.itemId) });
      return { status: 200, body: renderProtectedItem(record.data, request.now) };
    },
  });

  armRoute<ItemParams>(app, deps, {
    method: 'DELETE',
    url: ITEM_PATH,
    action: 'configure',
    apiVersions,
    summary: 'Stop protection and delete the backup data (kept 14 days in soft delete)',
    responses: { '202': 'Accepted; follow Azure-AsyncOperation or Location', '204': 'There was no such item' },
    handler: async (request) => {
      const answer = await deps.store.transaction(async (operations) => {
        const { address } = await locateItem(operations, request);
        const existing = await getProtectedItem(operations, address.itemId);
        if (!existing) return { status: 204 };
        return commit(operations, deps, request, { result: changeProtection(existing.data, { kind: 'delete' }, request.now), existing });
      });
      await deps.jobs?.runImmediate();
      return answer;
    },
  });
}
