import { ArcaError } from '../../core/errors/index.ts';
import { parseResourceId, resourceName } from '../../core/ids/index.ts';
import { checkDiskSizes, GIB } from '../../core/limits.ts';
import { compareAgentVersions } from '../../core/versions/agent-version.ts';
import { SNAPSHOT_EXTENSION } from '../../protocol/index.ts';
import { agentStatusAt } from '../agents/index.ts';
import type { MetadataOperations, StoredRecord } from '../persistence/index.ts';
import { keyVaultGrants, missingGrants } from '../resources/index.ts';
import type { VirtualMachineRecord, VmDisk } from '../resources/virtual-machine-model.ts';
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
 * A stopped or deallocated machine runs no agent, and the vault never reads a machine's disks
 * itself (ADR 5): nothing could take the snapshot, so the backup stops with AzureVmOffline. A
 * machine between states is asked to settle first (UserErrorVmNotInDesirableState).
 */
function checkPowerState(vm: VirtualMachineRecord): void {
  const state = vm.runtime.powerState;
  if (state === 'stopped' || state === 'deallocated') throw new ArcaError('AzureVmOffline', { vmName: vm.name });
  if (state !== 'running') throw new ArcaError('UserErrorVmNotInDesirableState', { vmName: vm.name, state });
}

/**
 * Encrypted disks keep their keys (BEK, KEK) in a key vault; the vault backs them up with the data,
 * so the Backup service identity must hold get and list on keys and secrets of every key vault the
 * disks name, checked before any snapshot is taken, as Azure does.
 */
async function checkKeyVaults(store: MetadataOperations, vm: VirtualMachineRecord, backupServiceObjectId: string): Promise<void> {
  const disks: readonly VmDisk[] = [vm.properties.storageProfile.osDisk, ...vm.properties.storageProfile.dataDisks];
  const keyVaults = new Set(disks.flatMap((disk) => (disk.encryption.type !== 'None' && disk.encryption.keyVaultId ? [disk.encryption.keyVaultId] : [])));
  for (const id of keyVaults) {
    const grants = await keyVaultGrants(store, id, backupServiceObjectId);
    if (grants === undefined) throw new ArcaError('ResourceNotFound', { resourceId: id });
    if (missingGrants(grants).length > 0) throw new ArcaError('UserErrorKeyvaultPermissionsNotConfigured', { keyVault: id.split('/').at(-1) ?? id, vmName: vm.name });
  }
}

export interface MachineCheckOptions {
  /** An agent silent longer than this is Unresponsive. */
  readonly agentUnresponsiveMs: number;
  /** The identity under which the Backup service reads key vaults (backup-service-identity.ts). */
  readonly backupServiceObjectId: string;
  /**
   * An on-demand backup: a machine in the Failed provisioning state because its snapshot extension
   * failed goes on, and the task asks the agent to remove and reinstall the extension (the seed's
   * way out); every other backup of a Failed machine stops with UserErrorVmProvisioningStateFailed.
   */
  readonly onDemand?: boolean;
  /** The oldest agent version the vault supports (ADR 7): an older agent takes no snapshot (UserErrorGuestAgentOutdated). */
  readonly minimumAgentVersion?: string;
}

/**
 * What Take Snapshot checks before asking the agent anything (ADR 5), each with its catalog code:
 * the machine exists (BCMV2VMNotFound), is not in the Failed provisioning state, is running
 * (AzureVmOffline when stopped or deallocated), its agent is Ready now (NotReady, Unresponsive and
 * never-installed agents cannot take a snapshot), its disks are within the size limits, and the
 * Backup service may read the key vaults of its encrypted disks.
 */
export async function checkMachine(store: MetadataOperations, vmId: string, now: Date, options: MachineCheckOptions): Promise<StoredRecord<VirtualMachineRecord>> {
  const record = await getVirtualMachine(store, vmId);
  if (!record) throw new ArcaError('BCMV2VMNotFound', { vmName: vmNameOf(vmId) });
  const vm = record.data;
  if (vm.properties.provisioningState === 'Failed') {
    const failed = vm.runtime.extensions.find((extension) => extension.status?.status === 'error');
    const reinstallable = options.onDemand === true && failed !== undefined && failed.name.toLowerCase() === SNAPSHOT_EXTENSION.toLowerCase();
    if (!reinstallable) throw new ArcaError('UserErrorVmProvisioningStateFailed', { vmName: vm.name, extensionName: failed?.name ?? 'an extension' });
  }
  checkPowerState(vm);
  const agent = agentStatusAt(vm.runtime.agent, now, options.agentUnresponsiveMs);
  if (agent !== 'Ready') throw new ArcaError('UserErrorGuestAgentStatusUnavailable', { vmName: vm.name, agentStatus: agent });
  const version = vm.runtime.agent.version ?? 'Unknown';
  if (options.minimumAgentVersion !== undefined && compareAgentVersions(version, options.minimumAgentVersion) < 0) {
    throw new ArcaError('UserErrorGuestAgentOutdated', { vmName: vm.name, version, minimumVersion: options.minimumAgentVersion });
  }
  const { osDisk, dataDisks } = vm.properties.storageProfile;
  checkDiskSizes({
    name: vm.name,
    disks: [osDisk, ...dataDisks].map((disk) => ({ name: disk.name, sizeBytes: disk.diskSizeGB * GIB, encrypted: disk.encryption.type !== 'None' })),
  });
  await checkKeyVaults(store, vm, options.backupServiceObjectId);
  return record;
}
