import type { FastifyInstance } from 'fastify';
import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, type ResourceId } from '../../core/ids/index.ts';
import { provisioningStateMachine, transition } from '../../core/states/index.ts';
import { API_VERSIONS, armRoute, checkLocks, type ArmDeps } from '../arm/index.ts';
import type { CrudParams, RegisteredKind } from './resource-crud.ts';
import type { ExtensionRuntime, VirtualMachineRecord } from './virtual-machine-model.ts';
import { getVirtualMachine, saveVirtualMachine } from './virtual-machines-store.ts';

type ExtensionParams = CrudParams & { extensionName: string };

const PROVISIONING = { error: 'Failed', transitioning: 'Updating', success: 'Succeeded', warning: 'Succeeded' } as const;

const extensionId = (vm: ResourceId, name: string): ResourceId => ({ ...vm, types: [...vm.types, { type: 'extensions', name }] });

/** Azure's extension resource, drawn from what the machine's agent reported: `Arca.Backup.VMSnapshotLinux` is publisher `Arca.Backup`, type `VMSnapshotLinux`. */
function render(vm: VirtualMachineRecord, extension: ExtensionRuntime) {
  const dot = extension.type.lastIndexOf('.');
  return {
    id: `${vm.id}/extensions/${extension.name}`,
    name: extension.name,
    type: 'Microsoft.Compute/virtualMachines/extensions',
    location: vm.location,
    properties: {
      publisher: dot < 0 ? '' : extension.type.slice(0, dot),
      type: dot < 0 ? extension.type : extension.type.slice(dot + 1),
      typeHandlerVersion: extension.typeHandlerVersion,
      provisioningState: extension.status ? PROVISIONING[extension.status.status] : 'Creating',
      handlerState: extension.handlerState,
      ...(extension.status ? { status: { code: extension.status.code, message: extension.status.message, time: extension.status.time } } : {}),
    },
  };
}

const named = (vm: VirtualMachineRecord, name: string) => vm.runtime.extensions.find((e) => e.name.toLowerCase() === name.toLowerCase());

/**
 * A machine's extensions as child resources (GET one, list, DELETE). Arca's agent installs them
 * itself, so there is no PUT. DELETE is the seed's way out of a failed extension: it leaves the
 * machine's view, a machine Failed because of it is Succeeded again, and the next snapshot task
 * has the agent remove and reinstall its handler (extension-removal.ts).
 */
export function registerVirtualMachineExtensionRoutes(app: FastifyInstance, deps: ArmDeps, vms: RegisteredKind): void {
  const versions = API_VERSIONS.compute;
  const read = async (params: CrudParams) => {
    const id = vms.idOf(params);
    const record = await getVirtualMachine(deps.store, id);
    if (!record) throw new ArcaError('ParentResourceNotFound', { parentId: formatResourceId(id) });
    return record.data;
  };

  armRoute<CrudParams>(app, deps, {
    method: 'GET',
    url: `${vms.one}/extensions`,
    action: 'read',
    apiVersions: versions,
    summary: "List a virtual machine's extensions, as its agent reports them",
    handler: async (request) => {
      const vm = await read(request.params);
      return { status: 200, body: { value: vm.runtime.extensions.map((extension) => render(vm, extension)) } };
    },
  });

  armRoute<ExtensionParams>(app, deps, {
    method: 'GET',
    url: `${vms.one}/extensions/:extensionName`,
    action: 'read',
    apiVersions: versions,
    summary: 'Get an extension of a virtual machine',
    handler: async (request) => {
      const vm = await read(request.params);
      const extension = named(vm, request.params.extensionName);
      if (!extension) throw new ArcaError('ResourceNotFound', { resourceId: formatResourceId(extensionId(vms.idOf(request.params), request.params.extensionName)) });
      return { status: 200, body: render(vm, extension) };
    },
  });

  armRoute<ExtensionParams>(app, deps, {
    method: 'DELETE',
    url: `${vms.one}/extensions/:extensionName`,
    action: 'configure',
    apiVersions: versions,
    summary: 'Remove an extension from a virtual machine: the next backup reinstalls it (a machine Failed because of it is Succeeded again)',
    responses: { '200': 'Removed', '204': 'The machine has no such extension' },
    handler: async (request) => {
      const vmId = vms.idOf(request.params);
      const removed = await deps.store.transaction(async (operations) => {
        const record = await getVirtualMachine(operations, vmId);
        if (!record) throw new ArcaError('ParentResourceNotFound', { parentId: formatResourceId(vmId) });
        const vm = record.data;
        const extension = named(vm, request.params.extensionName);
        if (!extension) return false;
        await checkLocks(operations, extensionId(vmId, extension.name), 'delete', `removing the extension ${extension.name} of ${vm.name}`);
        const extensions = vm.runtime.extensions.filter((e) => e !== extension);
        const pending = [...(vm.runtime.removedExtensions ?? []).filter((name) => name.toLowerCase() !== extension.name.toLowerCase()), extension.name];
        const stillFailing = extensions.some((e) => e.status?.status === 'error');
        const state = vm.properties.provisioningState;
        // Failed because of an extension, with none failing any more: recovered, through Updating as the table wants.
        const provisioningState = state === 'Failed' && extension.status?.status === 'error' && !stillFailing ? transition(provisioningStateMachine, transition(provisioningStateMachine, state, 'Updating'), 'Succeeded') : state;
        await saveVirtualMachine(operations, { ...vm, properties: { ...vm.properties, provisioningState }, runtime: { ...vm.runtime, extensions, removedExtensions: pending } }, record.version);
        return true;
      });
      return { status: removed ? 200 : 204 };
    },
  });
}
