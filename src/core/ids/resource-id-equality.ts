import { formatResourceId, parseResourceId, type ResourceId } from './resource-id.ts';

function asId(id: ResourceId | string): ResourceId {
  return typeof id === 'string' ? parseResourceId(id) : id;
}

/**
 * A key equal for ids ARM considers the same: ARM compares ids without regard to case, so
 * `/subscriptions/S/resourcegroups/RG` and `/subscriptions/s/resourceGroups/rg` share one key.
 * Strings are parsed first (and throw InvalidResourceId when malformed).
 */
export function resourceIdKey(id: ResourceId | string): string {
  return formatResourceId(asId(id)).toLowerCase();
}

export function sameResourceId(a: ResourceId | string, b: ResourceId | string): boolean {
  return resourceIdKey(a) === resourceIdKey(b);
}
