import { ArcaError } from '../errors/index.ts';
import { resourceNameProblem, validateResourceName } from './resource-names.ts';

/**
 * The names Azure Backup gives a virtual machine's protection container and protected item:
 * `IaasVMContainer;iaasvmcontainerv2;{rg};{vm}` and `VM;iaasvmcontainerv2;{rg};{vm}`. Azure also
 * accepts the short form `iaasvmcontainerv2;{rg};{vm}` for both, and compares every part without
 * regard to case; the resource group and VM keep the case they were written in.
 */
export interface VmBackupName {
  readonly resourceGroup: string;
  readonly vmName: string;
}

const CONTAINER_PREFIX = 'IaasVMContainer';
const ITEM_PREFIX = 'VM';
const V2 = 'iaasvmcontainerv2';
/** The container type of classic (pre-ARM) machines, which Arca does not have. */
const CLASSIC = 'iaasvmcontainer';
const CLASSIC_REASON = `classic machines (${CLASSIC}) are not supported; the type must be ${V2}`;

type NameKind = 'container' | 'item';
const PREFIX: Readonly<Record<NameKind, string>> = { container: CONTAINER_PREFIX, item: ITEM_PREFIX };
const OTHER: Readonly<Record<NameKind, NameKind>> = { container: 'item', item: 'container' };
const WORDS: Readonly<Record<NameKind, string>> = { container: 'protection container', item: 'protected item' };

function fail(name: string, reason: string): never {
  throw new ArcaError('InvalidResourceId', { resourceId: name, reason });
}

const same = (a: string | undefined, b: string): boolean => a !== undefined && a.toLowerCase() === b.toLowerCase();

function parse(kind: NameKind, name: string): VmBackupName {
  const parts = name.split(';');
  // `iaasvmcontainer` is both the container prefix and, in a three-part name, the classic type.
  if (parts.length === 3 && same(parts[0], CLASSIC) && !same(parts[1], V2)) fail(name, CLASSIC_REASON);
  if (same(parts[0], PREFIX[OTHER[kind]])) {
    fail(name, `'${PREFIX[OTHER[kind]]};' begins a ${WORDS[OTHER[kind]]} name, not a ${WORDS[kind]} name`);
  }
  const rest = same(parts[0], PREFIX[kind]) ? parts.slice(1) : parts;
  if (same(rest[0], CLASSIC)) fail(name, CLASSIC_REASON);
  if (!same(rest[0], V2)) {
    fail(name, `a ${WORDS[kind]} name must look like ${PREFIX[kind]};${V2};<resource group>;<vm name>`);
  }
  if (rest.length !== 3) fail(name, `it has ${rest.length - 1} parts after '${V2}'; it needs the resource group and the VM name`);
  const [, resourceGroup = '', vmName = ''] = rest;
  const problem =
    prefixed('resource group', resourceNameProblem('resourceGroup', resourceGroup)) ??
    prefixed('VM name', resourceNameProblem('virtualMachine', vmName));
  if (problem) fail(name, problem);
  return { resourceGroup, vmName };
}

function prefixed(part: string, problem: string | undefined): string | undefined {
  return problem === undefined ? undefined : `the ${part} part is not valid: ${problem}`;
}

function format(kind: NameKind, vm: VmBackupName): string {
  validateResourceName('resourceGroup', vm.resourceGroup);
  validateResourceName('virtualMachine', vm.vmName, 'vmName');
  return `${PREFIX[kind]};${V2};${vm.resourceGroup};${vm.vmName}`;
}

export function parseContainerName(name: string): VmBackupName {
  return parse('container', name);
}

export function parseProtectedItemName(name: string): VmBackupName {
  return parse('item', name);
}

/** The canonical long form; throws UserErrorInvalidArgument for an invalid group or VM name. */
export function formatContainerName(vm: VmBackupName): string {
  return format('container', vm);
}

export function formatProtectedItemName(vm: VmBackupName): string {
  return format('item', vm);
}

export function sameVm(a: VmBackupName, b: VmBackupName): boolean {
  return same(a.resourceGroup, b.resourceGroup) && same(a.vmName, b.vmName);
}

/** True when both names designate the same container, in any accepted form and case. */
export function sameContainerName(a: string, b: string): boolean {
  return sameVm(parseContainerName(a), parseContainerName(b));
}

export function sameProtectedItemName(a: string, b: string): boolean {
  return sameVm(parseProtectedItemName(a), parseProtectedItemName(b));
}

