import type { AgentStatus, ExtensionHandlerState, ExtensionStatus, PowerState, ProvisioningState } from '../../core/states/index.ts';
import type { ArmResource } from '../arm/index.ts';

/**
 * The stored shape of a virtual machine (collection `virtual-machines`, keyed by the lower-cased
 * ARM id). `properties` is what PUT sets and GET returns; `runtime` is what the machine's agent
 * reports (and power actions change), shown through the instance view, never set by PUT.
 */
export const VIRTUAL_MACHINES = 'virtual-machines';

export type DiskEncryption = 'None' | 'LUKS' | 'BEK' | 'BEKAndKEK';

export interface VmDisk {
  readonly name: string;
  /** Data disks only: the slot they are attached to. */
  readonly lun?: number;
  readonly diskSizeGB: number;
  /** On the machine: the image file or block device the agent reads (set by the agent when it registers). */
  readonly path?: string;
  readonly encryption: { readonly type: DiskEncryption; readonly keyVaultId?: string; readonly keyUrl?: string; readonly secretUrl?: string };
}

export interface VirtualMachineProperties {
  /** A UUID the machine keeps for life, as Azure's vmId. */
  readonly vmId: string;
  readonly provisioningState: ProvisioningState;
  readonly hardwareProfile: { readonly vmSize: string };
  readonly storageProfile: { readonly osDisk: VmDisk & { readonly osType: 'Linux' | 'Windows' }; readonly dataDisks: readonly VmDisk[] };
  readonly osProfile?: { readonly computerName: string };
  /** Arca: created by PUT (`api`) or when an agent registered (`agent`). */
  readonly createdBy: 'api' | 'agent';
  /**
   * Arca's short form of Azure's network profile (Arca has no network interfaces): the subnet the
   * machine is attached to and its DNS name label, set when a restore creates the machine.
   */
  readonly networkProfile?: { readonly subnetId: string; readonly domainNameLabel?: string };
}

export interface ExtensionRuntime {
  readonly name: string;
  /** e.g. `Arca.Backup.VMSnapshotLinux`. */
  readonly type: string;
  readonly typeHandlerVersion: string;
  readonly handlerState: ExtensionHandlerState;
  readonly status?: { readonly status: ExtensionStatus; readonly code: number; readonly message: string; readonly time: string };
}

/** The operating system the machine's agent reported when it registered (Azure's instance view shows osName and osVersion). */
export interface ReportedOsRuntime {
  readonly name?: string;
  readonly version?: string;
  readonly kernel?: string;
  readonly architecture?: string;
}

export interface VmRuntime {
  readonly powerState: PowerState;
  readonly os?: ReportedOsRuntime;
  readonly agent: { readonly status: AgentStatus; readonly version?: string; readonly message?: string; readonly lastReport?: string };
  readonly extensions: readonly ExtensionRuntime[];
  /**
   * Extensions removed through the API whose handler is still on the machine: hidden from the
   * instance view while the agent reports them failed, and reinstalled by the next snapshot task.
   */
  readonly removedExtensions?: readonly string[];
}

export interface VirtualMachineRecord extends ArmResource<VirtualMachineProperties> {
  readonly runtime: VmRuntime;
}
