import { partsOf, type Resource } from '../../client/backup-api.ts';
import { ArcaError } from '../../core/errors/index.ts';

export interface Found {
  readonly resourceGroup: string;
  readonly name: string;
  readonly resource: Resource;
}

/**
 * A resource by name: straight from its group when `--resource-group` says which, else found in
 * the subscription's list (ResourceNotFound when absent, CliNameAmbiguous when several groups use it).
 */
export async function findByName(name: string, kind: string, resourceGroup: string | undefined, get: (group: string, name: string) => Promise<Resource>, list: () => Promise<Resource[]>): Promise<Found> {
  if (name.startsWith('/subscriptions/')) {
    const parts = partsOf(name);
    return { ...parts, resource: await get(parts.resourceGroup, parts.name) };
  }
  if (resourceGroup !== undefined) {
    const resource = await get(resourceGroup, name);
    return { resourceGroup: partsOf(resource.id).resourceGroup, name: resource.name, resource };
  }
  const matches = (await list()).filter((r) => r.name.toLowerCase() === name.toLowerCase());
  if (matches.length === 0) throw new ArcaError('ResourceNotFound', { resourceId: `${kind} ${name}` });
  if (matches.length > 1) throw new ArcaError('CliNameAmbiguous', { kind, name, groups: matches.map((r) => partsOf(r.id).resourceGroup).join(', ') });
  const only = matches[0] as Resource;
  return { ...partsOf(only.id), resource: only };
}
