import { ArcaError } from '../../core/errors/index.ts';
import { isResourceType, parseResourceId, RESOURCE_TYPES, resourceNameProblem } from '../../core/ids/index.ts';
import { MAX_DISKS_PER_VM } from '../../core/limits.ts';
import { objectField, stringField } from '../arm/index.ts';
import { arrayField, enumField, integerField, objectAt, patternField } from './fields.ts';
import type { DiskEncryption, VirtualMachineProperties, VmDisk } from './virtual-machine-model.ts';

/**
 * Reads the parts of a VM's PUT body that the caller sets: hardware, disks and OS profile.
 * Disk sizes are bounded only loosely (1 GiB to 256 TiB): the backup, not the resource, refuses
 * disks above 32 TiB (4 TiB encrypted) with UserErrorUnsupportedDiskSize, so that code stays reachable.
 */
export const MAX_DISK_SIZE_GB = 256 * 1024;
const ENCRYPTIONS = ['None', 'LUKS', 'BEK', 'BEKAndKEK'] as const satisfies readonly DiskEncryption[];
const OS_TYPES = ['Linux', 'Windows'] as const;
const VM_SIZE = /^[A-Za-z0-9_]{1,64}$/;
const COMPUTER_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/;
const KEY_URL = /^https:\/\/[A-Za-z0-9.-]{1,253}(:\d{1,5})?\/(keys|secrets)\/[A-Za-z0-9-]{1,127}(\/[A-Za-z0-9]{0,64})?$/;

export type VmSettableProperties = Pick<VirtualMachineProperties, 'hardwareProfile' | 'storageProfile' | 'osProfile'>;

function refuse(reason: string): never {
  throw new ArcaError('InvalidRequestContent', { reason });
}

function isKeyVaultId(text: string): boolean {
  try {
    return isResourceType(parseResourceId(text), RESOURCE_TYPES.keyVault);
  } catch {
    return false;
  }
}

function encryptionOf(disk: Record<string, unknown>, path: string): VmDisk['encryption'] {
  const input = objectField(disk, 'encryption', `${path}.encryption`);
  const type = enumField(input, 'type', `${path}.encryption.type`, ENCRYPTIONS) ?? 'None';
  const keyVaultId = stringField(input, 'keyVaultId', `${path}.encryption.keyVaultId`, { max: 2048 });
  const secretUrl = patternField(input, 'secretUrl', `${path}.encryption.secretUrl`, KEY_URL, 'a key vault secret URL (https://<vault>/secrets/<name>[/<version>])');
  const keyUrl = patternField(input, 'keyUrl', `${path}.encryption.keyUrl`, KEY_URL, 'a key vault key URL (https://<vault>/keys/<name>[/<version>])');
  const usesVault = type === 'BEK' || type === 'BEKAndKEK';
  if (usesVault) {
    if (keyVaultId === undefined) refuse(`${path}.encryption.keyVaultId is required for ${type} encryption`);
    if (secretUrl === undefined) refuse(`${path}.encryption.secretUrl (the BEK) is required for ${type} encryption`);
    if (!isKeyVaultId(keyVaultId)) refuse(`${path}.encryption.keyVaultId must be the id of a ${RESOURCE_TYPES.keyVault} resource`);
  } else if (keyVaultId !== undefined || secretUrl !== undefined || keyUrl !== undefined) {
    refuse(`${path}.encryption: keyVaultId, secretUrl and keyUrl belong to BEK or BEKAndKEK encryption, not ${type}`);
  }
  if (type === 'BEKAndKEK' && keyUrl === undefined) refuse(`${path}.encryption.keyUrl (the KEK) is required for BEKAndKEK encryption`);
  if (type === 'BEK' && keyUrl !== undefined) refuse(`${path}.encryption.keyUrl is a KEK; use type BEKAndKEK to give one`);
  return { type, ...(keyVaultId === undefined ? {} : { keyVaultId }), ...(secretUrl === undefined ? {} : { secretUrl }), ...(keyUrl === undefined ? {} : { keyUrl }) };
}

function diskOf(input: Record<string, unknown>, path: string, defaultName: string, previous: readonly VmDisk[]): VmDisk {
  const name = stringField(input, 'name', `${path}.name`, { max: 80 }) ?? defaultName;
  const problem = resourceNameProblem('disk', name);
  if (problem) refuse(`${path}.name is not a valid disk name: ${problem}`);
  const diskSizeGB = integerField(input, 'diskSizeGB', `${path}.diskSizeGB`, { min: 1, max: MAX_DISK_SIZE_GB, required: true }) as number;
  // The agent records where a disk lives on the machine; an API update must not lose it.
  const path0 = previous.find((disk) => disk.name.toLowerCase() === name.toLowerCase())?.path;
  return { name, diskSizeGB, encryption: encryptionOf(input, path), ...(path0 === undefined ? {} : { path: path0 }) };
}

export function parseVmProperties(body: Record<string, unknown>, vmName: string, previous?: VirtualMachineProperties): VmSettableProperties {
  const properties = objectField(body, 'properties');
  const hardware = objectField(properties, 'hardwareProfile', 'properties.hardwareProfile');
  const vmSize = patternField(hardware, 'vmSize', 'properties.hardwareProfile.vmSize', VM_SIZE, 'a size name such as Standard_D2s_v3', { required: true }) as string;
  const storage = objectField(properties, 'storageProfile', 'properties.storageProfile');
  if (storage.osDisk === undefined) refuse('properties.storageProfile.osDisk is required');
  const osInput = objectField(storage, 'osDisk', 'properties.storageProfile.osDisk');
  const before = previous ? [previous.storageProfile.osDisk, ...previous.storageProfile.dataDisks] : [];
  const osDisk = { ...diskOf(osInput, 'properties.storageProfile.osDisk', `${vmName}_OsDisk_1`, before), osType: enumField(osInput, 'osType', 'properties.storageProfile.osDisk.osType', OS_TYPES) ?? 'Linux' };
  const dataInputs = arrayField(storage, 'dataDisks', 'properties.storageProfile.dataDisks', 64);
  if (dataInputs.length + 1 > MAX_DISKS_PER_VM) throw new ArcaError('UserErrorTooManyDisks', { vmName, diskCount: dataInputs.length + 1, limit: MAX_DISKS_PER_VM });
  const dataDisks = dataInputs.map((value, i) => {
    const path = `properties.storageProfile.dataDisks[${i}]`;
    const input = objectAt(value, path);
    const lun = integerField(input, 'lun', `${path}.lun`, { min: 0, max: 63, required: true }) as number;
    return { ...diskOf(input, path, `${vmName}_DataDisk_${lun}`, before), lun };
  });
  const names = new Set<string>();
  const luns = new Set<number>();
  for (const disk of [osDisk, ...dataDisks]) {
    if (names.has(disk.name.toLowerCase())) refuse(`two disks are named ${disk.name}`);
    names.add(disk.name.toLowerCase());
    if (disk.lun !== undefined && luns.has(disk.lun)) refuse(`two data disks use lun ${disk.lun}`);
    if (disk.lun !== undefined) luns.add(disk.lun);
  }
  const os = objectField(properties, 'osProfile', 'properties.osProfile');
  const computerName = patternField(os, 'computerName', 'properties.osProfile.computerName', COMPUTER_NAME, 'a host name of 1 to 64 letters, digits, periods and hyphens');
  return {
    hardwareProfile: { vmSize },
    storageProfile: { osDisk, dataDisks },
    ...(computerName === undefined ? {} : { osProfile: { computerName } }),
  };
}
