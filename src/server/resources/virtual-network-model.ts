import { ArcaError } from '../../core/errors/index.ts';
import { resourceNameProblem, RESOURCE_TYPES, type ResourceId } from '../../core/ids/index.ts';
import { etagOf, resourceKey, type ArmResource } from '../arm/index.ts';
import type { MetadataOperations, StoredRecord } from '../persistence/index.ts';
import { COLLECTIONS } from './contents.ts';
import { contains, overlaps, parsePrefix, type Prefix } from './ip-prefixes.ts';

/** A virtual network keeps its subnets inside its record, as Azure returns them inside the network. */
export interface SubnetEntry {
  readonly name: string;
  readonly properties: { readonly addressPrefix: string; readonly provisioningState: 'Succeeded' };
}

export interface VirtualNetworkProperties {
  readonly addressSpace: { readonly addressPrefixes: readonly string[] };
  readonly subnets: readonly SubnetEntry[];
  readonly provisioningState: 'Succeeded';
}

export type VirtualNetworkRecord = ArmResource<VirtualNetworkProperties>;

function refuse(reason: string): never {
  throw new ArcaError('InvalidRequestContent', { reason });
}

function prefixOf(text: string, path: string): Prefix {
  const prefix = parsePrefix(text);
  if (typeof prefix === 'string') refuse(`${path}: ${prefix}`);
  return prefix;
}

/** Refuses a network whose prefixes are malformed or overlap, or whose subnets fall outside its address space. */
export function checkNetwork(addressPrefixes: readonly string[], subnets: readonly SubnetEntry[]): void {
  const space = addressPrefixes.map((text, i) => prefixOf(text, `properties.addressSpace.addressPrefixes[${i}]`));
  space.forEach((a, i) => space.slice(i + 1).forEach((b) => overlaps(a, b) && refuse(`the address prefixes ${a.text} and ${b.text} overlap`)));
  const names = new Set<string>();
  const placed: { name: string; prefix: Prefix }[] = [];
  for (const subnet of subnets) {
    const problem = resourceNameProblem('subnet', subnet.name);
    if (problem) refuse(`subnet name ${subnet.name.slice(0, 80)} is not valid: ${problem}`);
    if (names.has(subnet.name.toLowerCase())) refuse(`two subnets are named ${subnet.name}`);
    names.add(subnet.name.toLowerCase());
    const prefix = prefixOf(subnet.properties.addressPrefix, `subnet ${subnet.name} addressPrefix`);
    if (!space.some((outer) => contains(outer, prefix))) refuse(`subnet ${subnet.name} (${prefix.text}) is not inside the address space ${addressPrefixes.join(', ')}`);
    const clash = placed.find((other) => overlaps(other.prefix, prefix));
    if (clash) refuse(`subnet ${subnet.name} (${prefix.text}) overlaps subnet ${clash.name} (${clash.prefix.text})`);
    placed.push({ name: subnet.name, prefix });
  }
}

export function renderSubnet(networkId: string, subnet: SubnetEntry, version: number) {
  return { id: `${networkId}/subnets/${subnet.name}`, name: subnet.name, type: RESOURCE_TYPES.subnet, etag: etagOf(version), properties: subnet.properties };
}

export function renderNetwork(record: StoredRecord<VirtualNetworkRecord>) {
  const { data, version } = record;
  return { ...data, etag: etagOf(version), properties: { ...data.properties, subnets: data.properties.subnets.map((s) => renderSubnet(data.id, s, version)) } };
}

export function getVirtualNetwork(store: MetadataOperations, id: ResourceId | string): Promise<StoredRecord<VirtualNetworkRecord> | undefined> {
  return store.get<VirtualNetworkRecord>(COLLECTIONS.virtualNetworks, resourceKey(id));
}

/**
 * The subnet named by a subnet id (…/virtualNetworks/{net}/subnets/{name}), or undefined when the
 * network or the subnet does not exist. Restore validation calls this.
 */
export async function getSubnet(store: MetadataOperations, subnetId: string): Promise<SubnetEntry | undefined> {
  const at = subnetId.toLowerCase().lastIndexOf('/subnets/');
  if (at < 0) return undefined;
  const network = await getVirtualNetwork(store, subnetId.slice(0, at));
  const name = subnetId.slice(at + '/subnets/'.length).toLowerCase();
  return network?.data.properties.subnets.find((subnet) => subnet.name.toLowerCase() === name);
}
