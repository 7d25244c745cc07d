import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ArcaError, invalidArgument } from '../../core/errors/index.ts';
import { formatResourceId, RESOURCE_TYPES } from '../../core/ids/index.ts';
import { powerStateMachine, provisioningStateMachine, transition, type PowerState } from '../../core/states/index.ts';
import { DEFAULT_AGENT_UNRESPONSIVE_MS, withAgentLiveness } from '../agents/agent-liveness.ts';
import { API_VERSIONS, armRoute, checkLocks, etagOf, type ArmDeps, type ArmRequest } from '../arm/index.ts';
import type { StoredRecord } from '../persistence/index.ts';
import { checkRoomForVirtualMachine } from './quota-store.ts';
import { registerResourceCrud, type BuildInput, type CrudParams } from './resource-crud.ts';
import { parseVmProperties } from './virtual-machine-body.ts';
import { registerVirtualMachineExtensionRoutes } from './virtual-machine-extensions.ts';
import { instanceView } from './virtual-machine-instance-view.ts';
import { VIRTUAL_MACHINES, type VirtualMachineRecord } from './virtual-machine-model.ts';
import { applyRuntime, getVirtualMachine, saveVirtualMachine } from './virtual-machines-store.ts';

/** The machine with its agent's status drawn now: silent past the window, it shows Unresponsive. */
function live(vm: VirtualMachineRecord, now: Date, deps: { agentUnresponsiveMs?: number }): VirtualMachineRecord {
  return { ...vm, runtime: withAgentLiveness(vm.runtime, now, deps.agentUnresponsiveMs ?? DEFAULT_AGENT_UNRESPONSIVE_MS) };
}

/** The machine as GET shows it: `runtime` only through the instance view. */
function render(record: StoredRecord<VirtualMachineRecord>, request: ArmRequest<CrudParams>, deps: ArmDeps) {
  const expand = request.query.$expand;
  if (expand !== undefined && (typeof expand !== 'string' || expand.toLowerCase() !== 'instanceview')) throw invalidArgument('$expand', 'the only expansion served is instanceView');
  const { runtime: _runtime, ...data } = record.data;
  const properties = expand === undefined ? data.properties : { ...data.properties, instanceView: instanceView(live(record.data, request.now, deps), deps) };
  return { ...data, properties, etag: etagOf(record.version) };
}

async function build(input: BuildInput<VirtualMachineRecord>): Promise<VirtualMachineRecord> {
  const { id, name, existing } = input;
  const settable = parseVmProperties(input.body, name, existing?.data.properties);
  const common = { id: existing?.data.id ?? formatResourceId(id), name, type: RESOURCE_TYPES.virtualMachine, location: input.location, ...(input.tags ? { tags: input.tags } : {}) };
  if (existing) {
    const previous = existing.data.properties;
    // An update passes through Updating; a Failed machine recovers this way, as on Azure.
    const updating = previous.provisioningState === 'Updating' ? 'Updating' : transition(provisioningStateMachine, previous.provisioningState, 'Updating', `ProvisioningState of ${name}`);
    const { osProfile: _dropped, ...kept } = previous;
    const properties = { ...kept, ...settable, provisioningState: transition(provisioningStateMachine, updating, 'Succeeded') };
    return { ...common, properties, runtime: existing.data.runtime };
  }
  await checkRoomForVirtualMachine(input.operations, id, id.resourceGroup ?? '');
  return {
    ...common,
    properties: { vmId: randomUUID(), provisioningState: transition(provisioningStateMachine, 'Creating', 'Succeeded'), ...settable, createdBy: 'api' },
    runtime: { powerState: transition(powerStateMachine, 'starting', 'running'), agent: { status: 'NotInstalled' }, extensions: [] },
  };
}

/**
 * Each power action: the states it passes through to its last, and where it has nothing to do. A
 * restart always runs, and only from running: from any other state its first move is refused.
 */
const POWER_ACTIONS = {
  start: { steps: ['starting', 'running'], done: ['starting', 'running'] },
  powerOff: { steps: ['stopping', 'stopped'], done: ['stopping', 'stopped'] },
  deallocate: { steps: ['deallocating', 'deallocated'], done: ['deallocating', 'deallocated'] },
  restart: { steps: ['stopping', 'stopped', 'starting', 'running'], done: [] },
} as const satisfies Record<string, { steps: readonly PowerState[]; done: readonly PowerState[] }>;

/** Virtual machines: created by PUT (or by an agent registering), with their runtime shown in the instance view. */
export function registerVirtualMachineRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const vms = registerResourceCrud<VirtualMachineRecord>(app, deps, {
    type: RESOURCE_TYPES.virtualMachine,
    collection: VIRTUAL_MACHINES,
    nameKind: 'virtualMachine',
    nameParam: 'vmName',
    noun: 'virtual machine',
    apiVersions: API_VERSIONS.compute,
    requestBody: {
      type: 'object',
      required: ['location', 'properties'],
      properties: {
        location: { type: 'string' },
        tags: { type: 'object' },
        properties: {
          type: 'object',
          description: 'hardwareProfile.vmSize; storageProfile.osDisk {name, osType, diskSizeGB, encryption {type: None|LUKS|BEK|BEKAndKEK, keyVaultId, secretUrl, keyUrl}}; storageProfile.dataDisks [{lun, name, diskSizeGB, encryption}] (32 disks at most); osProfile.computerName',
        },
      },
    },
    build,
    index: (data) => ({ vmId: data.properties.vmId.toLowerCase() }),
    render: (record, request) => render(record, request, deps),
  });

  armRoute<CrudParams>(app, deps, {
    method: 'GET',
    url: `${vms.one}/instanceView`,
    action: 'read',
    apiVersions: API_VERSIONS.compute,
    summary: 'Get the instance view of a virtual machine: provisioning and power state, guest agent, extensions, disks',
    handler: async (request) => {
      const id = vms.idOf(request.params);
      const record = await getVirtualMachine(deps.store, id);
      if (!record) throw new ArcaError('ResourceNotFound', { resourceId: formatResourceId(id) });
      return { status: 200, body: instanceView(live(record.data, request.now, deps), deps) };
    },
  });

  for (const [action, plan] of Object.entries(POWER_ACTIONS)) {
    armRoute<CrudParams>(app, deps, {
      method: 'POST',
      url: `${vms.one}/${action}`,
      action: 'configure',
      apiVersions: API_VERSIONS.compute,
      summary: `${action} a virtual machine (its power state becomes ${plan.steps.at(-1)})`,
      responses: { '200': `The machine is ${plan.steps.at(-1)}` },
      handler: async (request) => {
        const id = vms.idOf(request.params);
        await deps.store.transaction(async (operations) => {
          const record = await getVirtualMachine(operations, id);
          if (!record) throw new ArcaError('ResourceNotFound', { resourceId: formatResourceId(id) });
          await checkLocks(operations, id, 'write', `${action} on the virtual machine ${record.data.name}`);
          const current = record.data.runtime.powerState;
          if ((plan.done as readonly PowerState[]).includes(current)) return;
          const runtime = plan.steps.reduce((passing, powerState) => applyRuntime(record.data.name, passing, { powerState }), record.data.runtime);
          await saveVirtualMachine(operations, { ...record.data, runtime }, record.version);
        });
        return { status: 200 };
      },
    });
  }

  registerVirtualMachineExtensionRoutes(app, deps, vms);
}
