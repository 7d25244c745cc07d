import { ArcaError, invalidArgument } from '../errors/index.ts';
import { quote } from './name-segment.ts';
import { resourceNameProblem, validateResourceName } from './resource-names.ts';

/**
 * Names of the instant-restore tier's resources: a VM's restore point collections are named
 * `AzureBackupRG_{vmName}_{n}` and kept in resource groups named `AzureBackupRG_{region}_{n}`,
 * n counting from 1. Both share one shape, so which one a name is depends on where it is used.
 * The prefix is matched without regard to case; the VM name and region keep theirs.
 */
export const RESTORE_POINT_PREFIX = 'AzureBackupRG_';

const REGION = /^[A-Za-z0-9-]+$/;
const INDEX = /^[1-9][0-9]{0,8}$/;

export interface RestorePointCollectionName {
  readonly vmName: string;
  readonly index: number;
}

export interface RestorePointResourceGroupName {
  readonly region: string;
  readonly index: number;
}

function checkIndex(index: number): number {
  if (!Number.isSafeInteger(index) || index < 1) throw invalidArgument('index', `it must be a whole number from 1, not ${index}`);
  return index;
}

function checkRegion(region: string): string {
  if (!REGION.test(region)) throw invalidArgument('region', `it may contain only letters, digits and hyphens, not ${quote(region)}`);
  return region;
}

/** Splits `AzureBackupRG_{middle}_{n}`; the middle may itself contain underscores (VM names can). */
function split(name: string, what: string): { middle: string; index: number } {
  const fail = (reason: string): never => {
    throw new ArcaError('InvalidResourceId', { resourceId: name, reason });
  };
  if (name.slice(0, RESTORE_POINT_PREFIX.length).toLowerCase() !== RESTORE_POINT_PREFIX.toLowerCase()) {
    fail(`a ${what} name must begin with '${RESTORE_POINT_PREFIX}'`);
  }
  const body = name.slice(RESTORE_POINT_PREFIX.length);
  const cut = body.lastIndexOf('_');
  if (cut <= 0) fail(`a ${what} name must look like ${RESTORE_POINT_PREFIX}<name>_<number>`);
  const digits = body.slice(cut + 1);
  if (!INDEX.test(digits)) fail(`it must end with '_' and a number from 1, not ${quote(digits)}`);
  return { middle: body.slice(0, cut), index: Number(digits) };
}

export function formatRestorePointCollectionName(vmName: string, index: number): string {
  return `${RESTORE_POINT_PREFIX}${validateResourceName('virtualMachine', vmName, 'vmName')}_${checkIndex(index)}`;
}

export function parseRestorePointCollectionName(name: string): RestorePointCollectionName {
  const { middle, index } = split(name, 'restore point collection');
  const problem = resourceNameProblem('virtualMachine', middle);
  if (problem) throw new ArcaError('InvalidResourceId', { resourceId: name, reason: `the VM name part is not valid: ${problem}` });
  return { vmName: middle, index };
}

export function formatRestorePointResourceGroupName(region: string, index: number): string {
  return `${RESTORE_POINT_PREFIX}${checkRegion(region)}_${checkIndex(index)}`;
}

export function parseRestorePointResourceGroupName(name: string): RestorePointResourceGroupName {
  const { middle, index } = split(name, 'restore point resource group');
  if (!REGION.test(middle)) {
    throw new ArcaError('InvalidResourceId', {
      resourceId: name,
      reason: `the region part may contain only letters, digits and hyphens, not ${quote(middle)}`,
    });
  }
  return { region: middle, index };
}

/** True when `name` is a restore point collection of `vmName` (any index, any case). */
export function isRestorePointCollectionOf(name: string, vmName: string): boolean {
  try {
    return parseRestorePointCollectionName(name).vmName.toLowerCase() === vmName.toLowerCase();
  } catch {
    return false;
  }
}
