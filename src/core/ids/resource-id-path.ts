import { ArcaError } from '../errors/index.ts';
import { checkResourceId, compactResourceId, formatResourceId, type ResourceId } from './resource-id.ts';

/** ARM's resource type of an id, e.g. `Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers`. */
export function resourceType(id: ResourceId): string {
  if (id.provider !== undefined) return [id.provider, ...id.types.map((t) => t.type)].join('/');
  return id.resourceGroup === undefined ? 'Microsoft.Resources/subscriptions' : 'Microsoft.Resources/resourceGroups';
}

/** Compares an id's resource type with `type` without regard to case, as ARM does. */
export function isResourceType(id: ResourceId, type: string): boolean {
  return resourceType(id).toLowerCase() === type.toLowerCase();
}

/** The id's own name: the last resource name, else the resource group, else the subscription id. */
export function resourceName(id: ResourceId): string {
  return id.types.at(-1)?.name ?? id.resourceGroup ?? id.subscriptionId;
}

/**
 * The id one level up: a child resource's parent resource, a top-level resource's resource group
 * (or subscription at subscription scope), a resource group's subscription; undefined above that.
 */
export function parentId(id: ResourceId): ResourceId | undefined {
  const { subscriptionId, resourceGroup, provider, types } = id;
  if (types.length > 1) return compactResourceId({ subscriptionId, resourceGroup, provider, types: types.slice(0, -1) });
  if (types.length === 1 || resourceGroup !== undefined) {
    return compactResourceId({ subscriptionId, resourceGroup: types.length === 1 ? resourceGroup : undefined, types: [] });
  }
  return undefined;
}

/** A child resource of `parent`, which must itself be a resource (not a group or subscription). */
export function childId(parent: ResourceId, type: string, name: string): ResourceId {
  if (parent.provider === undefined) {
    throw new ArcaError('InvalidResourceId', {
      resourceId: formatResourceId(parent),
      reason: `a ${type} must belong to a resource, not to a resource group or subscription`,
    });
  }
  return checkResourceId(compactResourceId({ ...parent, types: [...parent.types, { type, name }] }));
}

/** A resource directly under a resource group (or, without one, at subscription scope). */
export function resourceIdIn(
  scope: { readonly subscriptionId: string; readonly resourceGroup?: string },
  provider: string,
  type: string,
  name: string,
): ResourceId {
  const { subscriptionId, resourceGroup } = scope;
  return checkResourceId(compactResourceId({ subscriptionId, resourceGroup, provider, types: [{ type, name }] }));
}

/** Requires `id` to have the given type; the reason names what was expected. */
export function expectResourceType(id: ResourceId, type: string): ResourceId {
  if (isResourceType(id, type)) return id;
  throw new ArcaError('InvalidResourceId', {
    resourceId: formatResourceId(id),
    reason: `expected an id of type ${type}, not ${resourceType(id)}`,
  });
}
