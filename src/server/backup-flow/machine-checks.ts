import { ArcaError } from '../../core/errors/index.ts';
import { parseResourceId, resourceName } from '../../core/ids/index.ts';
import { checkDiskSizes, GIB } from '../../core/limits.ts';
import { agentStatusAt } from '../agents/index.ts';
import type { MetadataOperations, StoredRecord } from '../persistence/index.ts';
import type { VirtualMachineRecord } from '../resources/virtual-machine-model.ts';
import { getVirtualMachine } from '../resources/virtual-machines-store.ts';

/** The machine's name from its id, for messages about a machine that is gone. */
export function vmNameOf(vmId: string): string {
  try {
    return resourceName(parseResourceId(vmId));
  } catch {
    return vmId;
  }
}

/**
 * What Take Snapshot checks before asking the agent anything (ADR 5), each with its catalog code:
 * the machine exists (BCMV2VMNotFound), is not in the Failed provisioning state, its agent is
 * Ready now (NotReady, Unresponsive and never-installed agents cannot take a snapshot), and its
 * disks are within the size limits.
 */
export async function checkMachine(store: MetadataOperations, vmId: string, now: Date, agentUnresponsiveMs: number): Promise<StoredRecord<VirtualMachineRecord>> {
  const record = await getVirtualMachine(store, vmId);
  if (!record) throw new ArcaError('BCMV2VMNotFound', { vmName: vmNameOf(vmId) });
  const vm = record.data;
  if (vm.properties.provisioningState === 'Failed') {
    const failed = vm.runtime.extensions.find((extension) => extension.status?.status === 'error');
    throw new ArcaError('UserErrorVmProvisioningStateFailed', { vmName: vm.name, extensionName: failed?.name ?? 'an extension' });
  }
  const agent = agentStatusAt(vm.runtime.agent, now, agentUnresponsiveMs);
  if (agent !== 'Ready') throw new ArcaError('UserErrorGuestAgentStatusUnavailable', { vmName: vm.name, agentStatus: agent });
  const { osDisk, dataDisks } = vm.properties.storageProfile;
  checkDiskSizes({
    name: vm.name,
    disks: [osDisk, ...dataDisks].map((disk) => ({ name: disk.name, sizeBytes: disk.diskSizeGB * GIB, encrypted: disk.encryption.type !== 'None' })),
  });
  return record;
}
