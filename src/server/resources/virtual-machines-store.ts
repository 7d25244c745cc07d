import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, parseResourceId, type ResourceId } from '../../core/ids/index.ts';
import { agentStatusMachine, powerStateMachine, provisioningStateMachine, transition, type AgentStatus, type PowerState, type ProvisioningState } from '../../core/states/index.ts';
import { resourceKey, withRetryOnConflict } from '../arm/index.ts';
import type { IndexValues, MetadataOperations, StoredRecord } from '../persistence/index.ts';
import { resourceIndex } from './resource-crud.ts';
import { VIRTUAL_MACHINES, type ExtensionRuntime, type VirtualMachineRecord, type VmRuntime } from './virtual-machine-model.ts';

/**
 * What the rest of the server calls to read and change a virtual machine without going through
 * HTTP: the agent protocol reports runtime, backups read disks and states. Every state change goes
 * through its core transition table.
 */
function idText(id: ResourceId | string): string {
  return typeof id === 'string' ? id : formatResourceId(id);
}

/** The VM's record (with its version, for conditional writes), or undefined when there is none. */
export async function getVirtualMachine(store: MetadataOperations, id: ResourceId | string): Promise<StoredRecord<VirtualMachineRecord> | undefined> {
  return store.get<VirtualMachineRecord>(VIRTUAL_MACHINES, resourceKey(id));
}

/** The index every VM record carries, whoever writes it (API, agent registration). */
export function virtualMachineIndex(data: VirtualMachineRecord): IndexValues {
  return resourceIndex(parseResourceId(data.id), data.location, { vmId: data.properties.vmId.toLowerCase() });
}

/** Writes a VM record with its index; `expectedVersion` 0 creates only. */
export function saveVirtualMachine(store: MetadataOperations, data: VirtualMachineRecord, expectedVersion?: number): Promise<StoredRecord<VirtualMachineRecord>> {
  return store.put<VirtualMachineRecord>(VIRTUAL_MACHINES, { id: resourceKey(data.id), data, index: virtualMachineIndex(data) }, expectedVersion === undefined ? {} : { expectedVersion });
}

export interface VmRuntimeUpdate {
  readonly powerState?: PowerState;
  readonly agent?: { readonly status?: AgentStatus; readonly version?: string; readonly message?: string; readonly lastReport?: string };
  /** Replaces the whole list: the agent reports every handler it knows each time. */
  readonly extensions?: readonly ExtensionRuntime[];
  readonly removedExtensions?: readonly string[];
}

/** Applies a runtime change; the same state again is no move. Throws UserErrorInvalidStateTransition for an illegal one. */
export function applyRuntime(name: string, runtime: VmRuntime, update: VmRuntimeUpdate): VmRuntime {
  const power = update.powerState;
  const status = update.agent?.status;
  return {
    ...runtime,
    powerState: power === undefined || power === runtime.powerState ? runtime.powerState : transition(powerStateMachine, runtime.powerState, power, `PowerState of ${name}`),
    agent: {
      ...runtime.agent,
      ...update.agent,
      status: status === undefined || status === runtime.agent.status ? runtime.agent.status : transition(agentStatusMachine, runtime.agent.status, status, `AgentStatus of ${name}`),
    },
    extensions: update.extensions ?? runtime.extensions,
    ...(update.removedExtensions === undefined ? {} : { removedExtensions: update.removedExtensions }),
  };
}

/**
 * Records what a machine's agent reported (or what the vault concluded, e.g. Unresponsive).
 * Not subject to locks: it reports state, it does not change the resource. ResourceNotFound when
 * the VM does not exist.
 */
export function putVirtualMachineRuntime(
  store: MetadataOperations,
  id: ResourceId | string,
  update: VmRuntimeUpdate | ((current: VirtualMachineRecord) => VmRuntimeUpdate),
): Promise<StoredRecord<VirtualMachineRecord>> {
  return withRetryOnConflict(async () => {
    const record = await getVirtualMachine(store, id);
    if (!record) throw new ArcaError('ResourceNotFound', { resourceId: idText(id) });
    // An update that depends on the record is computed again on every attempt, from the record it is saved over.
    const wanted = typeof update === 'function' ? update(record.data) : update;
    const data: VirtualMachineRecord = { ...record.data, runtime: applyRuntime(record.data.name, record.data.runtime, wanted) };
    return saveVirtualMachine(store, data, record.version);
  });
}

/** Moves the VM's provisioning state through its table (e.g. to Failed when an extension fails). */
export function setVirtualMachineProvisioningState(store: MetadataOperations, id: ResourceId | string, state: ProvisioningState): Promise<StoredRecord<VirtualMachineRecord>> {
  return withRetryOnConflict(async () => {
    const record = await getVirtualMachine(store, id);
    if (!record) throw new ArcaError('ResourceNotFound', { resourceId: idText(id) });
    const current = record.data.properties.provisioningState;
    if (current === state) return record;
    const next = transition(provisioningStateMachine, current, state, `ProvisioningState of ${record.data.name}`);
    return saveVirtualMachine(store, { ...record.data, properties: { ...record.data.properties, provisioningState: next } }, record.version);
  });
}

/** How many VMs a resource group holds (paged through, so any number). */
export async function countVirtualMachines(store: MetadataOperations, where: { subscriptionId: string; resourceGroup?: string; location?: string }): Promise<number> {
  const filters = [
    { field: 'subscription', op: 'eq' as const, value: where.subscriptionId.toLowerCase() },
    ...(where.resourceGroup === undefined ? [] : [{ field: 'resourceGroup', op: 'eq' as const, value: where.resourceGroup.toLowerCase() }]),
    ...(where.location === undefined ? [] : [{ field: 'location', op: 'eq' as const, value: where.location }]),
  ];
  let count = 0;
  let continuation: string | undefined;
  do {
    const page = await store.list(VIRTUAL_MACHINES, { where: filters, limit: 1000, ...(continuation ? { continuation } : {}) });
    count += page.records.length;
    continuation = page.continuation;
  } while (continuation);
  return count;
}
