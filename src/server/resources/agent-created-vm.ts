import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, RESOURCE_TYPES, resourceIdIn, resourceNameProblem, validateResourceName, type ResourceId } from '../../core/ids/index.ts';
import { GIB, MAX_DISKS_PER_VM } from '../../core/limits.ts';
import { powerStateMachine, provisioningStateMachine, transition } from '../../core/states/index.ts';
import { checkLocks, locationField, requireResourceGroup } from '../arm/index.ts';
import type { MetadataOperations, StoredRecord } from '../persistence/index.ts';
import { checkRoomForVirtualMachine } from './quota-store.ts';
import { MAX_DISK_SIZE_GB } from './virtual-machine-body.ts';
import type { ReportedOsRuntime, VirtualMachineRecord, VmDisk } from './virtual-machine-model.ts';
import { getVirtualMachine, saveVirtualMachine } from './virtual-machines-store.ts';

/**
 * Virtual machines created when an agent registers (DESIGN §2): an Owner names the machine-to-be
 * in a registration token; the agent's registration creates it from what the agent reports. The
 * same checks as a VM PUT apply, once when the token is made and again when the machine is created,
 * since the group, its locks, its quota and the name can change in between.
 */
export interface IntendedVirtualMachine {
  readonly subscriptionId: string;
  /** Spelled as the resource group was created. */
  readonly resourceGroup: string;
  readonly vmName: string;
  readonly location: string;
}

/** The size every agent-created machine shows: Arca does not size machines it did not make. */
export const AGENT_VM_SIZE = 'Arca_Registered';

/**
 * Checks that a VM named `vmName` may be created in `resourceGroup` now: the name is valid, the group
 * exists, no VM has the name (VirtualMachineNameTaken), no lock forbids writing, and the group's VM
 * quota has room (QuotaExceeded). The location defaults to the group's. Run it inside the
 * transaction that creates the machine so that nothing changes in between.
 */
export async function checkNewVirtualMachine(
  operations: MetadataOperations,
  request: { subscriptionId: string; resourceGroup: string; vmName: string; location?: string | undefined },
): Promise<IntendedVirtualMachine & { readonly id: ResourceId }> {
  const vmName = validateResourceName('virtualMachine', request.vmName, 'vmName');
  validateResourceName('resourceGroup', request.resourceGroup, 'resourceGroup');
  const group = await requireResourceGroup(operations, request.subscriptionId, request.resourceGroup);
  const location = request.location === undefined ? (group.data.location ?? '') : (locationField({ location: request.location }) as string);
  const id = resourceIdIn({ subscriptionId: request.subscriptionId, resourceGroup: group.data.name }, 'Microsoft.Compute', 'virtualMachines', vmName);
  if (await getVirtualMachine(operations, id)) throw new ArcaError('VirtualMachineNameTaken', { vmName, resourceGroup: group.data.name });
  await checkLocks(operations, id, 'write', `creating the virtual machine ${vmName}`);
  await checkRoomForVirtualMachine(operations, id, group.data.name);
  return { id, subscriptionId: request.subscriptionId, resourceGroup: group.data.name, vmName, location };
}

export interface AgentReportedMachine {
  readonly vmId: string;
  /** In the agent's order: the first is the OS disk. */
  readonly disks: readonly { readonly name: string; readonly path: string; readonly sizeBytes: number; readonly encrypted?: boolean }[];
  readonly osType: 'Linux' | 'Windows';
  readonly os?: ReportedOsRuntime;
  readonly agent: { readonly status: 'Ready' | 'NotReady'; readonly version: string; readonly message?: string };
  readonly now: Date;
}

function refuse(reason: string): never {
  throw new ArcaError('InvalidRequestContent', { reason });
}

function diskOf(reported: AgentReportedMachine['disks'][number], index: number): VmDisk {
  const problem = resourceNameProblem('disk', reported.name);
  if (problem) refuse(`disks[${index}].name is not a valid disk name: ${problem}`);
  const diskSizeGB = Math.max(1, Math.ceil(reported.sizeBytes / GIB));
  if (diskSizeGB > MAX_DISK_SIZE_GB) refuse(`disks[${index}] is ${diskSizeGB} GiB; a disk can be at most ${MAX_DISK_SIZE_GB} GiB`);
  return { name: reported.name, diskSizeGB, path: reported.path, encryption: { type: reported.encrypted === true ? 'LUKS' : 'None' } };
}

/**
 * Creates the VM an agent registers for, after `checkNewVirtualMachine` (run again here): created
 * by `agent`, Succeeded, running, its agent as reported; the first reported disk is the OS disk,
 * the others data disks on luns 0, 1, … . Call it in the transaction that redeems the token.
 */
export async function createAgentVirtualMachine(operations: MetadataOperations, intended: IntendedVirtualMachine, machine: AgentReportedMachine): Promise<StoredRecord<VirtualMachineRecord>> {
  const checked = await checkNewVirtualMachine(operations, intended);
  const [first, ...rest] = machine.disks;
  if (first === undefined) refuse('disks: an agent registering a new machine must report at least its OS disk');
  if (machine.disks.length > MAX_DISKS_PER_VM) throw new ArcaError('UserErrorTooManyDisks', { vmName: checked.vmName, diskCount: machine.disks.length, limit: MAX_DISKS_PER_VM });
  const osDisk = { ...diskOf(first, 0), osType: machine.osType };
  const dataDisks = rest.map((disk, i) => ({ ...diskOf(disk, i + 1), lun: i }));
  const { status, version, message } = machine.agent;
  const record: VirtualMachineRecord = {
    id: formatResourceId(checked.id),
    name: checked.vmName,
    type: RESOURCE_TYPES.virtualMachine,
    location: checked.location,
    properties: {
      vmId: machine.vmId,
      provisioningState: transition(provisioningStateMachine, 'Creating', 'Succeeded'),
      hardwareProfile: { vmSize: AGENT_VM_SIZE },
      storageProfile: { osDisk, dataDisks },
      createdBy: 'agent',
    },
    runtime: {
      powerState: transition(powerStateMachine, 'starting', 'running'),
      ...(machine.os ? { os: machine.os } : {}),
      agent: {
        status,
        version,
        lastReport: machine.now.toISOString(),
        ...(message === undefined ? {} : { message }),
      },
      extensions: [],
    },
  };
  return saveVirtualMachine(operations, record, 0);
}
