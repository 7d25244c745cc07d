import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, resourceNameProblem } from '../../core/ids/index.ts';
import { AGENT_CAPABILITIES, agentCan } from '../../core/versions/agent-version.ts';
import { normalizeLocation } from '../arm/index.ts';
import type { DiskEncryption, VmDisk } from '../resources/virtual-machine-model.ts';
import type { RecoveryType, RestoreRequest } from './restore-request.ts';
import type { RestoreSource } from './restore-source.ts';

/**
 * What a restore job does, decided when the request was validated and handed to the job as its
 * payload: which repository point and disks, into which storage account, and what to make of them.
 */
export interface PlannedDisk {
  /** The disk's place in the repository point (`arca.disks[i]` of the recovery point is disk i of it). */
  readonly index: number;
  /** The disk's name, checked against the naming rules; it names the restored file too. */
  readonly name: string;
  readonly lun?: number;
  readonly sizeBytes: number;
  readonly encryption: VmDisk['encryption'];
}

export interface RestorePlan {
  readonly recoveryType: RecoveryType;
  /** The long-running operation that reports on the job. */
  readonly operationId: string;
  readonly pointId: string;
  readonly pointName: string;
  readonly pointTime: string;
  readonly manifestId: string;
  readonly vmName: string;
  readonly sourceVmId: string;
  readonly storageAccount: { readonly id: string; readonly name: string };
  readonly disks: readonly PlannedDisk[];
  readonly vmSize: string;
  readonly osType: 'Linux' | 'Windows';
  readonly location: string;
  /**
   * OriginalLocation from an instant point whose snapshots are still on the machine: the machine's
   * agent clones them back (restore-on-machine.ts); `manifestId` is then empty when the point has
   * no vault copy yet.
   */
  readonly instant?: { readonly collectionId: string; readonly pointName: string };
  /**
   * OriginalLocation from the vault tier over a machine whose agent registered where each disk is:
   * the agent writes back only the chunks that differ, after a safety point of the disks, placed
   * beside them under `collectionId` (restore-on-machine.ts). Without it (no agent) the vault writes
   * new disk files and points the machine at them (restore-targets.ts swapDisks).
   */
  readonly agentVault?: { readonly collectionId: string };
  /** AlternateLocation: the machine to create. */
  readonly target?: { readonly vmId: string; readonly subnetId: string; readonly dnsLabel?: string };
}

const VM_SIZE = /^[A-Za-z0-9_]{1,64}$/;
const NONE: VmDisk['encryption'] = { type: 'None' };

/** The source machine's disk that matches a point's disk: the OS disk for no lun, else by lun. */
function sourceDisk(source: RestoreSource, lun: number | undefined): VmDisk | undefined {
  const profile = source.vm?.properties.storageProfile;
  if (!profile) return undefined;
  return lun === undefined ? profile.osDisk : profile.dataDisks.find((disk) => disk.lun === lun);
}

function plannedDisks(source: RestoreSource, request: RestoreRequest): PlannedDisk[] {
  const wanted = request.restoreDiskLunList;
  return source.point.arca.disks.flatMap((disk, index) => {
    if (disk.lun !== undefined && wanted !== undefined && !wanted.includes(disk.lun)) return [];
    if (resourceNameProblem('disk', disk.name) !== undefined || !Number.isSafeInteger(disk.sizeBytes) || disk.sizeBytes < 0) {
      throw new ArcaError('ArcaInternalError', { operation: `planning the restore of ${source.vmName}`, reference: `disk ${index} of recovery point ${source.point.name} is recorded with an unusable name or size` });
    }
    const encryption = sourceDisk(source, disk.lun)?.encryption ?? NONE;
    return [{ index, name: disk.name, ...(disk.lun === undefined ? {} : { lun: disk.lun }), sizeBytes: disk.sizeBytes, encryption }];
  });
}

function osTypeOf(source: RestoreSource): 'Linux' | 'Windows' {
  const recorded = source.point.properties.osType;
  if (recorded === 'Linux' || recorded === 'Windows') return recorded;
  return source.vm?.properties.storageProfile.osDisk.osType ?? 'Linux';
}

function vmSizeOf(source: RestoreSource): string {
  const recorded = source.point.properties.virtualMachineSize;
  if (typeof recorded === 'string' && VM_SIZE.test(recorded)) return recorded;
  return source.vm?.properties.hardwareProfile.vmSize ?? 'Standard_B2s';
}

/** The job's payload for a request that passed every check. */
export function planRestore(source: RestoreSource, request: RestoreRequest, storageAccountName: string, operationId: string, now = new Date()): RestorePlan {
  const { point } = source;
  const instant = request.recoveryType === 'OriginalLocation' ? agentRestorable(source, now) : undefined;
  if (point.arca.manifestId === undefined && instant === undefined) throw new ArcaError('UserErrorRecoveryPointNotInVault', { recoveryPointId: point.name, vmName: source.vmName });
  const agentVault = request.recoveryType === 'OriginalLocation' && instant === undefined ? agentWritable(source) : undefined;
  const target = request.recoveryType === 'AlternateLocation' && request.targetVirtualMachineId && request.subnetId
    ? { vmId: formatResourceId(request.targetVirtualMachineId), subnetId: formatResourceId(request.subnetId), ...(request.dnsLabel ? { dnsLabel: request.dnsLabel } : {}) }
    : undefined;
  return {
    recoveryType: request.recoveryType,
    operationId,
    pointId: source.pointId,
    pointName: point.name,
    pointTime: point.arca.time,
    manifestId: point.arca.manifestId ?? '',
    vmName: source.vmName,
    sourceVmId: source.item.sourceResourceId,
    storageAccount: { id: formatResourceId(request.storageAccountId), name: storageAccountName },
    disks: plannedDisks(source, request),
    vmSize: vmSizeOf(source),
    osType: osTypeOf(source),
    location: normalizeLocation(source.vault.location),
    ...(target ? { target } : {}),
    ...(instant ? { instant } : {}),
    ...(agentVault ? { agentVault } : {}),
  };
}

/**
 * The point's instant snapshot when the machine's agent can restore it over the original machine:
 * the snapshot is still kept (not deleted, not expired) and the agent registered where each of the
 * point's disks is on the machine. Otherwise an OriginalLocation restore is done from the vault tier.
 */
export function agentRestorable(source: RestoreSource, now: Date): { collectionId: string; pointName: string } | undefined {
  const instant = source.point.arca.instant;
  if (instant === undefined || instant.deleted !== undefined || Date.parse(instant.expiresAt) <= now.getTime()) return undefined;
  if (!source.point.arca.disks.every((disk) => sourceDisk(source, disk.lun)?.path !== undefined)) return undefined;
  return { collectionId: instant.collectionId, pointName: instant.pointName };
}

/**
 * OriginalLocation from the vault tier by the machine's agent: the machine has an agent (it
 * registered) of a version that can write a vault-tier point back (AGENT_CAPABILITIES), and the
 * agent registered where each of the point's disks is. Otherwise the vault writes new disk files
 * and points the machine at them, as for a machine without an agent. The safety point goes under
 * the point's instant collection when it had one, else under the machine's own name.
 */
export function agentWritable(source: RestoreSource): { collectionId: string } | undefined {
  const vm = source.vm;
  if (vm === undefined || vm.runtime.agent.status === 'NotInstalled') return undefined;
  if (!agentCan(vm.runtime.agent.version, AGENT_CAPABILITIES.vaultTierRestore)) return undefined;
  if (!source.point.arca.disks.every((disk) => sourceDisk(source, disk.lun)?.path !== undefined)) return undefined;
  return { collectionId: source.point.arca.instant?.collectionId ?? vm.id };
}

const ENCRYPTIONS: readonly DiskEncryption[] = ['None', 'LUKS', 'BEK', 'BEKAndKEK'];

/** The payload as the job reads it back; a record that is not a plan fails the job rather than guessing. */
export function readPlan(payload: unknown): RestorePlan {
  const plan = payload as RestorePlan;
  const ok =
    typeof plan === 'object' && plan !== null && typeof plan.manifestId === 'string' && typeof plan.operationId === 'string' &&
    typeof plan.storageAccount?.name === 'string' && Array.isArray(plan.disks) &&
    plan.disks.every((d) => Number.isInteger(d.index) && resourceNameProblem('disk', d.name) === undefined && ENCRYPTIONS.includes(d.encryption?.type));
  if (!ok) throw new ArcaError('ArcaInternalError', { operation: 'reading a restore job', reference: 'its payload is not a restore plan' });
  return plan;
}
