import type { FastifyInstance } from 'fastify';
import { formatContainerName, parseResourceId, type ResourceId } from '../../core/ids/index.ts';
import { accepted, API_VERSIONS, armRoute, createOperation, finishOperation, normalizeLocation, type ArmDeps, type ArmRequest } from '../arm/index.ts';
import type { MetadataOperations, StoredRecord } from '../persistence/index.ts';
import { VIRTUAL_MACHINES, type VirtualMachineRecord } from '../resources/virtual-machine-model.ts';
import { admits, parseEqFilter } from './eq-filter.ts';
import { FABRIC_PATH, VAULT_PATH } from './paths.ts';
import { IAAS_VM } from './policy-arm.ts';
import { VM_ITEM_TYPE } from './protected-item-render.ts';
import { checkFabric } from './protected-item-routes.ts';
import { PROTECTED_ITEMS, type StoredProtectedItem } from './protected-items-store.ts';
import { requireVault, type VaultPath, type VaultResource } from './vault-store.ts';

export type FabricParams = VaultPath & { fabricName: string };

const PROTECTABLE_TYPE = 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectableItems';
const FILTER_KEYS = ['backupManagementType', 'workloadType', 'friendlyName', 'status'] as const;

/** The id of the vault's `Azure` fabric, the resource refresh operations are recorded on. */
export async function fabricIdOf(store: MetadataOperations, request: ArmRequest<FabricParams>): Promise<string> {
  checkFabric(request);
  const vault = await requireVault(store, request.params);
  return `${vault.data.id}/backupFabrics/Azure`;
}

async function forEachRecord<T>(store: MetadataOperations, collection: string, subscription: string, fn: (record: StoredRecord<T>) => void): Promise<void> {
  let continuation: string | undefined;
  do {
    const page = await store.list<T>(collection, { where: [{ field: 'subscription', op: 'eq', value: subscription }], limit: 1000, ...(continuation ? { continuation } : {}) });
    page.records.forEach(fn);
    continuation = page.continuation;
  } while (continuation);
}

function renderProtectable(vault: VaultResource, vm: VirtualMachineRecord, id: ResourceId): Record<string, unknown> {
  const resourceGroup = id.resourceGroup ?? '';
  const vmName = id.types[0]?.name ?? vm.name;
  const short = `iaasvmcontainerv2;${resourceGroup};${vmName}`;
  return {
    id: `${vault.id}/backupFabrics/Azure/protectionContainers/${formatContainerName({ resourceGroup, vmName })}/protectableItems/vm;${short}`,
    name: short,
    type: PROTECTABLE_TYPE,
    properties: {
      protectableItemType: VM_ITEM_TYPE,
      backupManagementType: IAAS_VM,
      workloadType: 'VM',
      friendlyName: vm.name,
      protectionState: 'NotProtected',
      virtualMachineId: vm.id,
      virtualMachineVersion: 'Compute',
      resourceGroup,
    },
  };
}

/** The machines of the vault's region that no vault protects, and the container refresh that discovers them. */
export function registerProtectableItemRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const apiVersions = API_VERSIONS.recoveryServicesBackup;

  armRoute<VaultPath>(app, deps, {
    method: 'GET',
    url: `${VAULT_PATH}/backupProtectableItems`,
    action: 'read',
    apiVersions,
    summary: `List the virtual machines the vault can protect ($filter: ${FILTER_KEYS.join(', ')})`,
    handler: async (request) => {
      const filter = parseEqFilter(request.query.$filter, FILTER_KEYS);
      const vault = await requireVault(deps.store, request.params);
      if (!admits(filter.backupManagementType, IAAS_VM) || !admits(filter.workloadType, 'VM') || !admits(filter.status, 'NotProtected')) return { status: 200, body: { value: [] } };
      const subscription = deps.installation.subscriptionId.toLowerCase();
      const protectedVms = new Set<string>();
      await forEachRecord<StoredProtectedItem>(deps.store, PROTECTED_ITEMS, subscription, (record) => protectedVms.add(record.data.sourceResourceId.toLowerCase()));
      const value: unknown[] = [];
      await forEachRecord<VirtualMachineRecord>(deps.store, VIRTUAL_MACHINES, subscription, ({ data: vm }) => {
        if (normalizeLocation(vm.location ?? '') !== vault.data.location || protectedVms.has(vm.id.toLowerCase())) return;
        if (!admits(filter.friendlyName, vm.name)) return;
        try {
          value.push(renderProtectable(vault.data, vm, parseResourceId(vm.id)));
        } catch {
          // A machine whose name cannot form a container name cannot be protected, so it is not listed.
        }
      });
      return { status: 200, body: { value } };
    },
  });

  armRoute<FabricParams>(app, deps, {
    method: 'POST',
    url: `${FABRIC_PATH}/refreshContainers`,
    action: 'configure',
    apiVersions,
    summary: "Discover the machines the vault can protect (finishes at once: Arca's list is always current)",
    responses: { '202': 'Accepted; the Location answers 204 once done' },
    handler: async (request) => {
      const fabricId = await fabricIdOf(deps.store, request);
      const op = await deps.store.transaction(async (operations) => {
        const started = await createOperation(operations, { kind: 'RefreshContainers', resourceId: fabricId, now: request.now });
        await finishOperation(operations, started.id, { status: 'Succeeded', now: request.now });
        return started;
      });
      return accepted(request, { status: `${fabricId}/operationsStatus/${op.id}`, result: `${fabricId}/operationResults/${op.id}` }, deps.retryAfterSeconds);
    },
  });
}
