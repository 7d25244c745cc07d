import { ArcaError, invalidArgument } from '../../core/errors/index.ts';
import { expectResourceType, parseResourceId, RESOURCE_TYPES, resourceName, type ResourceId } from '../../core/ids/index.ts';
import { findMember } from '../../core/states/index.ts';
import { normalizeLocation, objectBody, objectField, stringField } from '../arm/index.ts';

/**
 * Azure's IaasVMRestoreRequest, read and checked for shape. What the names point at (do they exist,
 * are they in the right region) is restore-checks.ts's business; this file only refuses what no
 * lookup can make right: unknown recovery types, malformed ids, missing fields.
 */
export const RECOVERY_TYPES = ['RestoreDisks', 'OriginalLocation', 'AlternateLocation'] as const;
export type RecoveryType = (typeof RECOVERY_TYPES)[number];

const REQUEST_TYPE = 'IaasVMRestoreRequest';
/** Azure's rule for DNS name labels (see resources/public-ip-addresses.ts). */
const DNS_LABEL = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;

export interface EncryptionDetails {
  readonly encryptionEnabled: boolean;
  readonly kekUrl?: string;
  readonly kekVaultId?: ResourceId;
  readonly secretKeyUrl?: string;
  readonly secretKeyVaultId?: ResourceId;
}

export interface RestoreRequest {
  readonly recoveryType: RecoveryType;
  readonly recoveryPointId?: string;
  readonly sourceResourceId?: ResourceId;
  readonly storageAccountId: ResourceId;
  readonly targetResourceGroupId?: ResourceId;
  readonly targetVirtualMachineId?: ResourceId;
  readonly dnsLabel?: string;
  readonly virtualNetworkId?: ResourceId;
  readonly subnetId?: ResourceId;
  readonly region?: string;
  readonly encryption?: EncryptionDetails;
  /** Data disks to restore, by lun; the OS disk is always restored. Absent: every disk. */
  readonly restoreDiskLunList?: readonly number[];
}

function idField(parent: Record<string, unknown>, name: string, type: string, path = `properties.${name}`): ResourceId | undefined {
  const text = stringField(parent, name, path, { max: 2048 });
  if (text === undefined || text === '') return undefined;
  return expectResourceType(parseResourceId(text), type);
}

function resourceGroupField(parent: Record<string, unknown>): ResourceId | undefined {
  const text = stringField(parent, 'targetResourceGroupId', 'properties.targetResourceGroupId', { max: 2048 });
  if (text === undefined || text === '') return undefined;
  const id = parseResourceId(text);
  if (id.resourceGroup === undefined || id.provider !== undefined) throw invalidArgument('properties.targetResourceGroupId', 'it must be the id of a resource group');
  return id;
}

function booleanOf(parent: Record<string, unknown>, name: string, path: string): boolean | undefined {
  const value = parent[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new ArcaError('InvalidRequestContent', { reason: `${path} must be true or false` });
  return value;
}

/** `targetDomainNameId` is a cloud service's id on Azure; Arca takes the DNS name label it ends with, or a bare label. */
function dnsLabelOf(properties: Record<string, unknown>): string | undefined {
  const text = stringField(properties, 'targetDomainNameId', 'properties.targetDomainNameId', { max: 2048 });
  if (text === undefined || text === '') return undefined;
  const label = (text.startsWith('/') ? resourceName(parseResourceId(text)) : text).toLowerCase();
  if (!DNS_LABEL.test(label)) throw invalidArgument('properties.targetDomainNameId', 'the DNS name label must be 3 to 63 lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit');
  return label;
}

const at = (name: string) => `properties.encryptionDetails.${name}`;

function encryptionOf(properties: Record<string, unknown>): EncryptionDetails | undefined {
  if (properties.encryptionDetails === undefined || properties.encryptionDetails === null) return undefined;
  const input = objectField(properties, 'encryptionDetails', 'properties.encryptionDetails');
  const kekUrl = stringField(input, 'kekUrl', at('kekUrl'), { max: 2048 }) || undefined;
  const secretKeyUrl = stringField(input, 'secretKeyUrl', at('secretKeyUrl'), { max: 2048 }) || undefined;
  const kekVaultId = idField(input, 'kekVaultId', RESOURCE_TYPES.keyVault, at('kekVaultId'));
  const secretKeyVaultId = idField(input, 'secretKeyVaultId', RESOURCE_TYPES.keyVault, at('secretKeyVaultId'));
  return {
    encryptionEnabled: booleanOf(input, 'encryptionEnabled', at('encryptionEnabled')) ?? false,
    ...(kekUrl ? { kekUrl } : {}),
    ...(kekVaultId ? { kekVaultId } : {}),
    ...(secretKeyUrl ? { secretKeyUrl } : {}),
    ...(secretKeyVaultId ? { secretKeyVaultId } : {}),
  };
}

function lunListOf(properties: Record<string, unknown>): number[] | undefined {
  const value = properties.restoreDiskLunList;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > 64) throw new ArcaError('InvalidRequestContent', { reason: 'properties.restoreDiskLunList must be an array of at most 64 luns' });
  return value.map((lun, i) => {
    if (typeof lun !== 'number' || !Number.isInteger(lun) || lun < 0 || lun > 63) {
      throw new ArcaError('InvalidRequestContent', { reason: `properties.restoreDiskLunList[${i}] must be a lun from 0 to 63` });
    }
    return lun;
  });
}

/** Reads `{properties: IaasVMRestoreRequest}` (the body of POST …/restore) or the request itself (inside a validate request). */
export function readRestoreRequest(input: Record<string, unknown>, path = 'properties'): RestoreRequest {
  const properties = input;
  const objectType = stringField(properties, 'objectType', `${path}.objectType`, { max: 100 });
  if (objectType === undefined || objectType.toLowerCase() !== REQUEST_TYPE.toLowerCase()) {
    throw invalidArgument(`${path}.objectType`, `Arca restores virtual machines from their backups; it must be ${REQUEST_TYPE}`);
  }
  const typeText = stringField(properties, 'recoveryType', `${path}.recoveryType`, { max: 64, required: true }) as string;
  const recoveryType = findMember(RECOVERY_TYPES, typeText);
  if (recoveryType === undefined) throw invalidArgument(`${path}.recoveryType`, `it must be one of ${RECOVERY_TYPES.join(', ')}`);
  const storageAccountId = idField(properties, 'storageAccountId', RESOURCE_TYPES.storageAccount);
  if (storageAccountId === undefined) throw invalidArgument(`${path}.storageAccountId`, 'a restore writes the disks into a storage account; give the id of one in the vault\'s region');
  const regionText = stringField(properties, 'region', `${path}.region`, { max: 64 });
  const request: RestoreRequest = {
    recoveryType,
    storageAccountId,
    ...optional('recoveryPointId', stringField(properties, 'recoveryPointId', `${path}.recoveryPointId`, { max: 256 }) || undefined),
    ...optional('sourceResourceId', idField(properties, 'sourceResourceId', RESOURCE_TYPES.virtualMachine)),
    ...optional('targetResourceGroupId', resourceGroupField(properties)),
    ...optional('targetVirtualMachineId', idField(properties, 'targetVirtualMachineId', RESOURCE_TYPES.virtualMachine)),
    ...optional('dnsLabel', dnsLabelOf(properties)),
    ...optional('virtualNetworkId', idField(properties, 'virtualNetworkId', RESOURCE_TYPES.virtualNetwork)),
    ...optional('subnetId', idField(properties, 'subnetId', RESOURCE_TYPES.subnet)),
    ...optional('region', regionText ? normalizeLocation(regionText) : undefined),
    ...optional('encryption', encryptionOf(properties)),
    ...optional('restoreDiskLunList', lunListOf(properties)),
  };
  booleanOf(properties, 'createNewCloudService', `${path}.createNewCloudService`);
  booleanOf(properties, 'originalStorageAccountOption', `${path}.originalStorageAccountOption`);
  checkRequired(request);
  return request;
}

/** The restore body `{properties: IaasVMRestoreRequest}`. */
export function readRestoreBody(body: unknown): RestoreRequest {
  return readRestoreRequest(objectField(objectBody(body), 'properties'));
}

function optional<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };
}

/** What each recovery type needs besides the storage account. */
function checkRequired(request: RestoreRequest): void {
  if (request.recoveryType !== 'AlternateLocation') return;
  if (request.targetVirtualMachineId === undefined) throw invalidArgument('properties.targetVirtualMachineId', 'a restore to an alternate location creates this machine; give its id');
  if (request.subnetId === undefined) throw invalidArgument('properties.subnetId', 'a restore to an alternate location attaches the new machine to this subnet; give its id');
  const group = request.targetResourceGroupId;
  const vm = request.targetVirtualMachineId;
  if (group !== undefined && (group.subscriptionId.toLowerCase() !== vm.subscriptionId.toLowerCase() || group.resourceGroup?.toLowerCase() !== vm.resourceGroup?.toLowerCase())) {
    throw invalidArgument('properties.targetVirtualMachineId', 'the new machine must be in the target resource group');
  }
}
