import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { GIB } from '../../core/limits.ts';
import type { RegistrationRequest, RegistrationResponse } from '../../protocol/index.ts';
import { withRetryOnConflict } from '../arm/index.ts';
import { redeemRegistrationToken, redeemRegistrationTokenWith } from '../auth/index.ts';
import type { MetadataStore } from '../persistence/index.ts';
import { createAgentVirtualMachine } from '../resources/index.ts';
import type { ReportedOsRuntime, VirtualMachineRecord, VmDisk } from '../resources/virtual-machine-model.ts';
import { applyRuntime, getVirtualMachine, saveVirtualMachine } from '../resources/virtual-machines-store.ts';
import { vmOfMachine } from './machine-lookup.ts';

/** Every disk the agent reports must be one of the machine's, by name; their sizes are whole GiB on the VM. */
function withReportedDisks(vm: VirtualMachineRecord, request: RegistrationRequest): VirtualMachineRecord {
  const { osDisk, dataDisks } = vm.properties.storageProfile;
  const known = new Set([osDisk, ...dataDisks].map((disk) => disk.name.toLowerCase()));
  const unknown = request.disks.find((disk) => !known.has(disk.name.toLowerCase()));
  if (unknown) {
    throw new ArcaError('InvalidRequestContent', { reason: `disks names ${unknown.name}, which is not a disk of ${vm.name} (its disks: ${[...known].join(', ')})` });
  }
  const update = <D extends VmDisk>(disk: D): D => {
    const reported = request.disks.find((r) => r.name.toLowerCase() === disk.name.toLowerCase());
    return reported ? { ...disk, path: reported.path, diskSizeGB: Math.max(1, Math.ceil(reported.sizeBytes / GIB)), encryption: encryptionOf(disk, reported.encrypted) } : disk;
  };
  const os = { ...update(osDisk), ...(request.os ? { osType: request.os.type } : {}) };
  return { ...vm, properties: { ...vm.properties, storageProfile: { osDisk: os, dataDisks: dataDisks.map(update) } } };
}

/**
 * What the agent saw on the disk decides between None and LUKS; the key-vault kinds (BEK,
 * BEKAndKEK), which the API sets, are LUKS volumes too and stay as they are.
 */
function encryptionOf(disk: VmDisk, encrypted: boolean | undefined): VmDisk['encryption'] {
  if (encrypted === undefined) return disk.encryption;
  if (encrypted) return disk.encryption.type === 'None' ? { type: 'LUKS' } : disk.encryption;
  return disk.encryption.type === 'LUKS' ? { type: 'None' } : disk.encryption;
}

function osOf(request: RegistrationRequest): ReportedOsRuntime | undefined {
  if (!request.os) return undefined;
  const { type: _type, ...rest } = request.os;
  return rest;
}

/**
 * Registers a machine's agent. For a machine that exists (created by PUT, found by its vmId) the
 * VM must exist before the one-time token is spent; then the token is redeemed for the machine's
 * Agent token and the VM records what the agent reported (disks' paths, sizes and LUKS encryption,
 * OS type and name, agent status and version). For a machine that does not exist, the token must
 * name the VM to create: `registerNewMachine`.
 */
export async function registerAgent(store: MetadataStore, request: RegistrationRequest, now: Date): Promise<RegistrationResponse> {
  const found = await vmOfMachine(store, request.machineId).catch((error: unknown) => {
    if (isArcaError(error) && error.code === 'ResourceNotFound') return undefined;
    throw error;
  });
  if (found === undefined) return registerNewMachine(store, request, now);
  withReportedDisks(found.data, request);
  const token = await redeemRegistrationToken(store, request.registrationToken, { machineId: request.machineId, now });
  const saved = await withRetryOnConflict(async () => {
    const record = await getVirtualMachine(store, found.data.id);
    if (!record) throw new ArcaError('ResourceNotFound', { resourceId: found.data.id });
    const { status, version, message } = request.agent;
    const runtime = applyRuntime(record.data.name, record.data.runtime, { agent: { status, version, lastReport: now.toISOString(), ...(message === undefined ? {} : { message }) } });
    const os = osOf(request);
    return saveVirtualMachine(store, { ...withReportedDisks(record.data, request), runtime: os ? { ...runtime, os } : runtime }, record.version);
  });
  return { machineId: request.machineId, vmResourceId: saved.data.id, tokenId: token.id, agentToken: token.secret };
}

/**
 * A machine no VM has yet: the token must have been made for a new machine (resource group, name,
 * location; its vmId is the machine id). The VM is created from the agent's report (first disk the
 * OS disk, the rest data disks) in the transaction that spends the token, after the PUT checks run
 * again (VirtualMachineNameTaken when the name was taken meanwhile, ResourceGroupNotFound, locks,
 * QuotaExceeded); so a refused registration leaves neither a machine nor a spent token. A token of
 * an existing machine whose VM has gone is ResourceNotFound, as before.
 */
async function registerNewMachine(store: MetadataStore, request: RegistrationRequest, now: Date): Promise<RegistrationResponse> {
  const { agent, result: created } = await redeemRegistrationTokenWith(store, request.registrationToken, { machineId: request.machineId, now }, async (tx, intended) => {
    if (intended === undefined) throw new ArcaError('ResourceNotFound', { resourceId: `the virtual machine whose vmId is ${request.machineId.slice(0, 64)}` });
    const { status, version, message } = request.agent;
    const os = osOf(request);
    return createAgentVirtualMachine(tx, intended, {
      vmId: request.machineId.toLowerCase(),
      disks: request.disks,
      osType: request.os?.type ?? 'Linux',
      ...(os ? { os } : {}),
      agent: { status, version, ...(message === undefined ? {} : { message }) },
      now,
    });
  });
  return { machineId: request.machineId, vmResourceId: created.data.id, tokenId: agent.id, agentToken: agent.secret };
}
