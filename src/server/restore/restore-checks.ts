import { ArcaError, invalidArgument, isArcaError } from '../../core/errors/index.ts';
import { formatResourceId, parentId, parseResourceId, resourceGroupId, resourceName, sameResourceId, type ResourceId } from '../../core/ids/index.ts';
import { isSupportedRestoreStorageSku } from '../../core/limits.ts';
import { backupServiceObjectId, checkLocks, normalizeLocation, requireResourceGroup, type Installation } from '../arm/index.ts';
import type { MetadataOperations } from '../persistence/index.ts';
import { dnsLabelAvailable, getStorageAccount, getSubnet, getVirtualMachine, getVirtualNetwork, keyVaultGrants, missingGrants, resourceGroupVmUsage } from '../resources/index.ts';
import { agentRestorable } from './restore-plan.ts';
import type { RestoreRequest } from './restore-request.ts';
import { sourceEncryption, type RestoreSource } from './restore-source.ts';

/**
 * Everything checked before a restore job is created, as a list: POST …/restore refuses with the
 * first finding, POST …/backupValidateOperation returns them all. Each finding is a catalog error
 * carrying the names it is about; a check whose subject is missing is not followed by the checks
 * that would read that subject.
 */
export interface CheckDeps {
  readonly store: MetadataOperations;
  readonly installation: Installation;
  readonly now: Date;
}

type Finding = ArcaError;

/** Runs a check that refuses by throwing, as most lookups here do; a thrown catalog error becomes a finding. */
async function caught(check: () => Promise<unknown>): Promise<Finding[]> {
  try {
    await check();
    return [];
  } catch (error) {
    if (isArcaError(error)) return [error];
    throw error;
  }
}

/** The point itself: it must hold the disks in the vault tier, and the request must match it. */
export function pointFindings(source: RestoreSource, request: RestoreRequest, now: Date): Finding[] {
  const findings: Finding[] = [];
  const { point, item, vault } = source;
  const asked = request.recoveryPointId;
  if (asked !== undefined && asked.split('/').at(-1)?.toLowerCase() !== point.name.toLowerCase()) {
    findings.push(invalidArgument('properties.recoveryPointId', `it names ${asked}, but the path names recovery point ${point.name}`));
  }
  if (request.sourceResourceId !== undefined && formatResourceId(request.sourceResourceId).toLowerCase() !== item.sourceResourceId.toLowerCase()) {
    findings.push(invalidArgument('properties.sourceResourceId', `it names ${formatResourceId(request.sourceResourceId)}, but the item protects ${item.sourceResourceId}`));
  }
  if (request.region !== undefined && request.region !== normalizeLocation(vault.location)) {
    findings.push(invalidArgument('properties.region', `Arca restores within the vault's region, ${vault.location}; restoring into ${request.region} is not offered`));
  }
  const luns = new Set(point.arca.disks.flatMap((disk) => (disk.lun === undefined ? [] : [disk.lun])));
  const unknown = (request.restoreDiskLunList ?? []).filter((lun) => !luns.has(lun));
  if (unknown.length > 0) findings.push(invalidArgument('properties.restoreDiskLunList', `recovery point ${point.name} holds no data disk at lun ${unknown.join(', ')}`));
  const tier = tierFinding(source, request, now);
  return tier ? [tier, ...findings] : findings;
}

/**
 * Arca restores from the vault tier, or — over the original machine only — from the instant tier
 * through the machine's agent; a point only in the instant tier is otherwise refused, as is one in neither.
 */
function tierFinding(source: RestoreSource, request: RestoreRequest, now: Date): Finding | undefined {
  const { arca, name } = source.point;
  if (request.recoveryType === 'OriginalLocation' && agentRestorable(source, now) !== undefined) return undefined;
  const vaultCopy = arca.manifestId !== undefined && (arca.vaultExpiresAt === undefined || Date.parse(arca.vaultExpiresAt) > now.getTime());
  if (vaultCopy) return undefined;
  const instant = arca.instant;
  const snapshotKept = instant !== undefined && instant.deleted === undefined && Date.parse(instant.expiresAt) > now.getTime();
  const params = { recoveryPointId: name, vmName: source.vmName };
  return new ArcaError(snapshotKept ? 'UserErrorRecoveryPointNotInVault' : 'UserErrorInstantRpNotFound', params);
}

/** Targets in another subscription: the Backup service of this installation has no right there. */
function foreignTargets(request: RestoreRequest, installation: Installation): Set<string> {
  const ids = [request.storageAccountId, request.targetResourceGroupId, request.targetVirtualMachineId, request.virtualNetworkId, request.subnetId, request.encryption?.kekVaultId, request.encryption?.secretKeyVaultId];
  const foreign = new Set<string>();
  for (const id of ids) if (id && id.subscriptionId.toLowerCase() !== installation.subscriptionId.toLowerCase()) foreign.add(formatResourceId(id));
  return foreign;
}

async function storageFindings(deps: CheckDeps, source: RestoreSource, id: ResourceId): Promise<Finding[]> {
  const account = await getStorageAccount(deps.store, id);
  if (!account) return [new ArcaError('ResourceNotFound', { resourceId: formatResourceId(id) })];
  const { name, location = '', sku, properties } = account.data;
  const findings: Finding[] = [];
  const vaultRegion = normalizeLocation(source.vault.location);
  if (normalizeLocation(location) !== vaultRegion) {
    findings.push(new ArcaError('UserErrorStorageAccountRegionMismatch', { storageAccount: name, accountRegion: location, vaultRegion }));
  }
  if (!isSupportedRestoreStorageSku(sku.name)) findings.push(new ArcaError('UserErrorUnsupportedStorageAccountType', { storageAccount: name, sku: sku.name }));
  if (properties.statusOfPrimary !== 'available') findings.push(new ArcaError('UserErrorStorageAccountOffline', { storageAccount: name }));
  return findings;
}

function groupFindings(deps: CheckDeps, group: ResourceId): Promise<Finding[]> {
  return caught(() => requireResourceGroup(deps.store, group.subscriptionId, group.resourceGroup ?? ''));
}

/** The network of a new machine: the virtual network exists in the region and holds the subnet. */
async function networkFindings(deps: CheckDeps, source: RestoreSource, request: RestoreRequest): Promise<Finding[]> {
  const subnet = request.subnetId as ResourceId;
  const network = parentId(subnet) as ResourceId;
  const given = request.virtualNetworkId;
  if (given !== undefined && !sameResourceId(given, network)) {
    return [new ArcaError('UserErrorInvalidVirtualNetworkConfiguration', { vnet: resourceName(given), reason: `subnet ${resourceName(subnet)} belongs to virtual network ${formatResourceId(network)}, not to this one` })];
  }
  const record = await getVirtualNetwork(deps.store, network);
  if (!record) return [new ArcaError('UserErrorInvalidVirtualNetworkConfiguration', { vnet: resourceName(network), reason: `the virtual network ${formatResourceId(network)} does not exist` })];
  const vaultRegion = normalizeLocation(source.vault.location);
  if (normalizeLocation(record.data.location ?? '') !== vaultRegion) {
    return [new ArcaError('UserErrorInvalidVirtualNetworkConfiguration', { vnet: record.data.name, reason: `it is in ${record.data.location ?? 'no region'}, and the restored machine is created in the vault's region, ${vaultRegion}` })];
  }
  if (!(await getSubnet(deps.store, formatResourceId(subnet)))) return [new ArcaError('UserErrorSubnetNotFound', { subnet: resourceName(subnet), vnet: record.data.name })];
  return [];
}

/** A new machine: its name is free, the group has room and no lock, the network and the DNS name fit. */
async function alternateFindings(deps: CheckDeps, source: RestoreSource, request: RestoreRequest): Promise<Finding[]> {
  const vm = request.targetVirtualMachineId as ResourceId;
  const group = resourceGroupId({ subscriptionId: vm.subscriptionId, resourceGroup: vm.resourceGroup ?? '' });
  const missingGroup = await groupFindings(deps, group);
  const findings: Finding[] = [...missingGroup, ...(await networkFindings(deps, source, request))];
  if (request.dnsLabel !== undefined && !(await dnsLabelAvailable(deps.store, normalizeLocation(source.vault.location), request.dnsLabel))) {
    findings.push(new ArcaError('UserErrorDnsNameAlreadyExists', { dnsName: request.dnsLabel }));
  }
  if (missingGroup.length > 0) return findings;
  if (await getVirtualMachine(deps.store, vm)) findings.push(new ArcaError('ResourceAlreadyExists', { resourceId: formatResourceId(vm) }));
  const usage = await resourceGroupVmUsage(deps.store, group);
  if (usage.limit !== undefined && usage.current >= usage.limit) {
    findings.push(new ArcaError('UserErrorResourceGroupQuotaExceeded', { resourceGroup: vm.resourceGroup ?? '', current: usage.current, limit: usage.limit }));
  }
  findings.push(...(await caught(() => checkLocks(deps.store, vm, 'write', `restoring ${source.vmName} as ${resourceName(vm)}`))));
  return findings;
}

/** Over the original machine: it still exists, is stopped, and no lock forbids changing it. */
async function originalFindings(deps: CheckDeps, source: RestoreSource, request: RestoreRequest): Promise<Finding[]> {
  const target = request.targetVirtualMachineId;
  if (target !== undefined && formatResourceId(target).toLowerCase() !== source.item.sourceResourceId.toLowerCase()) {
    return [invalidArgument('properties.targetVirtualMachineId', `a restore to the original location restores ${source.item.sourceResourceId}; leave it out or give that id`)];
  }
  const vm = source.vm;
  if (!vm) return [new ArcaError('ResourceNotFound', { resourceId: source.item.sourceResourceId })];
  const findings: Finding[] = [];
  const state = vm.runtime.powerState;
  if (state !== 'stopped' && state !== 'deallocated') findings.push(new ArcaError('UserErrorRestoreTargetVmRunning', { vmName: vm.name, state }));
  findings.push(...(await caught(() => checkLocks(deps.store, parseResourceId(vm.id), 'write', `restoring the disks of ${vm.name}`))));
  return findings;
}

/** Encrypted machines: a KEK must wrap the BEK, and the Backup service must read keys and secrets of every key vault involved. */
async function encryptionFindings(deps: CheckDeps, source: RestoreSource, request: RestoreRequest): Promise<Finding[]> {
  const declared = sourceEncryption(source);
  const asked = request.encryption;
  const askedBekOnly = asked?.encryptionEnabled === true && asked.secretKeyUrl !== undefined && asked.kekUrl === undefined;
  if (!declared.encrypted && asked?.encryptionEnabled !== true) return [];
  if (declared.bekOnly || askedBekOnly) return [new ArcaError('UserErrorEncryptedVmBekOnly', { vmName: source.vmName })];
  const targets = [asked?.secretKeyVaultId, asked?.kekVaultId].filter((id): id is ResourceId => id !== undefined).map((id) => formatResourceId(id));
  const objectId = backupServiceObjectId(deps.installation);
  const findings: Finding[] = [];
  for (const id of targets.length > 0 ? [...new Set(targets)] : declared.keyVaultIds) {
    const grants = await keyVaultGrants(deps.store, id, objectId);
    if (grants === undefined) findings.push(new ArcaError('ResourceNotFound', { resourceId: id }));
    else if (missingGrants(grants).length > 0) findings.push(new ArcaError('UserErrorKeyvaultPermissionsNotConfigured', { keyVault: id.split('/').at(-1) ?? id, vmName: source.vmName }));
  }
  return findings;
}

/** Every finding against restoring `source` as `request` asks; empty when the restore may start. */
export async function restoreFindings(deps: CheckDeps, source: RestoreSource, request: RestoreRequest): Promise<Finding[]> {
  const findings = pointFindings(source, request, deps.now);
  const foreign = foreignTargets(request, deps.installation);
  findings.push(...[...foreign].map((target) => new ArcaError('UserErrorRestoreNotAuthorized', { target })));
  if (foreign.size > 0) return findings;
  findings.push(...(await storageFindings(deps, source, request.storageAccountId)));
  if (request.targetResourceGroupId && request.recoveryType !== 'AlternateLocation') findings.push(...(await groupFindings(deps, request.targetResourceGroupId)));
  if (request.recoveryType === 'AlternateLocation') findings.push(...(await alternateFindings(deps, source, request)));
  if (request.recoveryType === 'OriginalLocation') findings.push(...(await originalFindings(deps, source, request)));
  findings.push(...(await encryptionFindings(deps, source, request)));
  return findings;
}
