import { randomUUID } from 'node:crypto';
import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { GIB } from '../../core/limits.ts';
import { formatResourceId, parseResourceId, RESOURCE_TYPES, resourceGroupId, resourceIdIn, resourceName, type ResourceId } from '../../core/ids/index.ts';
import { provisioningStateMachine, transition } from '../../core/states/index.ts';
import { checkLocks, requireResourceGroup, withRetryOnConflict } from '../arm/index.ts';
import { isConflictError, type MetadataOperations, type MetadataStore } from '../persistence/index.ts';
import { createPublicIpWithLabel, getSubnet, getVirtualMachine, resourceGroupVmUsage, saveVirtualMachine } from '../resources/index.ts';
import type { VirtualMachineRecord, VmDisk } from '../resources/virtual-machine-model.ts';
import type { PlannedDisk, RestorePlan } from './restore-plan.ts';

/**
 * What a restore makes of its restored disk files beyond the files themselves: a new machine
 * (AlternateLocation, with a public IP address holding its DNS name when one was asked) or the
 * original machine pointed at them (OriginalLocation). Both write the VM
 * record in one transaction after checking again what validation checked, since time has passed.
 */
export interface RestoredDisk {
  readonly disk: PlannedDisk;
  /** Absolute path of the restored image on the vault host. */
  readonly path: string;
}

function vmDisk(restored: RestoredDisk): VmDisk {
  const { disk, path } = restored;
  return { name: disk.name, diskSizeGB: Math.max(1, Math.ceil(disk.sizeBytes / GIB)), path, encryption: disk.encryption, ...(disk.lun === undefined ? {} : { lun: disk.lun }) };
}

/** True when the machine's disks are all files of this restore: the job ran this far before and is resuming. */
function madeByThisRestore(vm: VirtualMachineRecord, disks: readonly RestoredDisk[]): boolean {
  const paths = new Set(disks.map((d) => d.path));
  const { osDisk, dataDisks } = vm.properties.storageProfile;
  return [osDisk, ...dataDisks].every((disk) => disk.path !== undefined && paths.has(disk.path));
}

/** The new machine's DNS name, held by a public IP address `<vm>-ip` beside it, as Azure's restore creates one. */
async function claimLabel(operations: MetadataOperations, ipId: ResourceId, location: string, label: string): Promise<void> {
  try {
    await createPublicIpWithLabel(operations, { id: ipId, location, label });
  } catch (error) {
    if (isArcaError(error) && error.code === 'DnsRecordInUse') throw new ArcaError('UserErrorDnsNameAlreadyExists', { dnsName: label }, { cause: error });
    if (isConflictError(error)) throw new ArcaError('ResourceAlreadyExists', { resourceId: formatResourceId(ipId) }, { cause: error });
    throw error;
  }
}

/** AlternateLocation: records the new machine, stopped, with the restored files as its disks and the subnet as its network. */
export async function createRestoredVm(store: MetadataStore, plan: RestorePlan, disks: readonly RestoredDisk[]): Promise<string> {
  const target = plan.target;
  const os = disks.find((d) => d.disk.lun === undefined);
  if (!target || !os) throw new ArcaError('RestoreFailedInternalError', { vmName: plan.vmName });
  const asked = parseResourceId(target.vmId);
  return store.transaction(async (operations) => {
    const group = await requireResourceGroup(operations, asked.subscriptionId, asked.resourceGroup ?? '');
    const id = resourceIdIn({ subscriptionId: asked.subscriptionId, resourceGroup: group.data.name }, 'Microsoft.Compute', 'virtualMachines', resourceName(asked));
    const existing = await getVirtualMachine(operations, id);
    if (existing && madeByThisRestore(existing.data, disks)) return existing.data.id;
    if (existing) throw new ArcaError('ResourceAlreadyExists', { resourceId: existing.data.id });
    await checkLocks(operations, id, 'write', `restoring ${plan.vmName} as ${resourceName(id)}`);
    const usage = await resourceGroupVmUsage(operations, resourceGroupId({ subscriptionId: id.subscriptionId, resourceGroup: group.data.name }));
    if (usage.limit !== undefined && usage.current >= usage.limit) {
      throw new ArcaError('UserErrorResourceGroupQuotaExceeded', { resourceGroup: group.data.name, current: usage.current, limit: usage.limit });
    }
    const subnet = parseResourceId(target.subnetId);
    if (!(await getSubnet(operations, target.subnetId))) throw new ArcaError('UserErrorSubnetNotFound', { subnet: resourceName(subnet), vnet: subnet.types[0]?.name ?? '' });
    if (target.dnsLabel) await claimLabel(operations, resourceIdIn({ subscriptionId: id.subscriptionId, resourceGroup: group.data.name }, 'Microsoft.Network', 'publicIPAddresses', `${resourceName(id)}-ip`), plan.location, target.dnsLabel);
    const data: VirtualMachineRecord = {
      id: formatResourceId(id),
      name: resourceName(id),
      type: RESOURCE_TYPES.virtualMachine,
      location: plan.location,
      properties: {
        vmId: randomUUID(),
        provisioningState: transition(provisioningStateMachine, 'Creating', 'Succeeded'),
        hardwareProfile: { vmSize: plan.vmSize },
        storageProfile: { osDisk: { ...vmDisk(os), osType: plan.osType }, dataDisks: disks.filter((d) => d !== os).map(vmDisk) },
        createdBy: 'api',
        networkProfile: { subnetId: target.subnetId, ...(target.dnsLabel ? { domainNameLabel: target.dnsLabel } : {}) },
      },
      // Recorded, not booted: starting the machine from its files is the host's and agent's part.
      runtime: { powerState: 'stopped', agent: { status: 'NotInstalled' }, extensions: [] },
    };
    await saveVirtualMachine(operations, data, 0);
    return data.id;
  });
}

/**
 * OriginalLocation: points the machine's restored disks at the restored files; the files it used
 * before stay where they are. Returns the paths it replaced. The machine must still be stopped.
 */
export function swapDisks(store: MetadataStore, plan: RestorePlan, disks: readonly RestoredDisk[]): Promise<string[]> {
  const vmId = parseResourceId(plan.sourceVmId);
  return withRetryOnConflict(() =>
    store.transaction(async (operations) => {
      const record = await getVirtualMachine(operations, vmId);
      if (!record) throw new ArcaError('ResourceNotFound', { resourceId: plan.sourceVmId });
      const vm = record.data;
      const state = vm.runtime.powerState;
      if (state !== 'stopped' && state !== 'deallocated') throw new ArcaError('UserErrorRestoreTargetVmRunning', { vmName: vm.name, state });
      await checkLocks(operations, vmId, 'write', `restoring the disks of ${vm.name}`);
      const replaced: string[] = [];
      const swap = <D extends VmDisk>(disk: D): D => {
        const restored = disks.find((d) => d.disk.lun === disk.lun);
        if (!restored || restored.path === disk.path) return disk;
        if (disk.path) replaced.push(disk.path);
        return { ...disk, path: restored.path };
      };
      const { osDisk, dataDisks } = vm.properties.storageProfile;
      const updating = transition(provisioningStateMachine, vm.properties.provisioningState, 'Updating', `ProvisioningState of ${vm.name}`);
      const properties = {
        ...vm.properties,
        storageProfile: { osDisk: swap(osDisk), dataDisks: dataDisks.map(swap) },
        provisioningState: transition(provisioningStateMachine, updating, 'Succeeded'),
      };
      await saveVirtualMachine(operations, { ...vm, properties }, record.version);
      return replaced;
    }),
  );
}
