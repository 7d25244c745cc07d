import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, resourceGroupId, type ResourceId } from '../../core/ids/index.ts';
import type { IndexValues, MetadataOperations, StoredRecord } from '../persistence/index.ts';
import { isConflictError } from '../persistence/index.ts';

/** An ARM resource as the API returns it. `id` keeps the case it was created with. */
export interface ArmResource<P = Record<string, unknown>> {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly location?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly etag?: string;
  readonly properties: P;
}

/** Records are keyed by the lower-cased id: ARM ids compare without regard to case. */
export function resourceKey(id: string | ResourceId): string {
  return (typeof id === 'string' ? id : formatResourceId(id)).toLowerCase();
}

/** Index fields every resource record carries, so lists can select by scope and parent. */
export function scopeIndex(id: ResourceId, extra: IndexValues = {}): IndexValues {
  return {
    subscription: id.subscriptionId.toLowerCase(),
    ...(id.resourceGroup === undefined ? {} : { resourceGroup: id.resourceGroup.toLowerCase() }),
    ...extra,
  };
}

/** ETags are the record's version, quoted as HTTP writes them. */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/** The request body as a JSON object, or InvalidRequestContent. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ArcaError('InvalidRequestContent', { reason: 'expected a JSON object as the body' });
  }
  return body as Record<string, unknown>;
}

/** A nested object field (`properties`, …), empty when absent; InvalidRequestContent when not an object. */
export function objectField(parent: Record<string, unknown>, name: string, path = name): Record<string, unknown> {
  const value = parent[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ArcaError('InvalidRequestContent', { reason: `${path} must be an object` });
  return value as Record<string, unknown>;
}

export function stringField(parent: Record<string, unknown>, name: string, path = name, options: { required?: boolean; max?: number } = {}): string | undefined {
  const value = parent[name];
  if (value === undefined || value === null) {
    if (options.required) throw new ArcaError('InvalidRequestContent', { reason: `${path} is required` });
    return undefined;
  }
  if (typeof value !== 'string') throw new ArcaError('InvalidRequestContent', { reason: `${path} must be a string` });
  if (value.length > (options.max ?? 1024)) throw new ArcaError('InvalidRequestContent', { reason: `${path} is longer than ${options.max ?? 1024} characters` });
  return value;
}

/** ARM tags: at most 50, names ≤ 512 and values ≤ 256 characters. */
export function tagsField(parent: Record<string, unknown>): Record<string, string> | undefined {
  const value = parent.tags;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new ArcaError('InvalidRequestContent', { reason: 'tags must be an object of strings' });
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 50) throw new ArcaError('InvalidRequestContent', { reason: 'at most 50 tags are allowed' });
  for (const [name, v] of entries) {
    if (typeof v !== 'string' || name.length > 512 || v.length > 256) {
      throw new ArcaError('InvalidRequestContent', { reason: `tag ${name.slice(0, 40)} must be a string of at most 256 characters, its name at most 512` });
    }
  }
  return value as Record<string, string>;
}

/** Locations are compared as ARM does: lower case, spaces dropped ("West Europe" = "westeurope"). */
export function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}

export function locationField(parent: Record<string, unknown>, required = true): string | undefined {
  const value = stringField(parent, 'location', 'location', { required, max: 64 });
  if (value === undefined) return undefined;
  const normalized = normalizeLocation(value);
  if (!/^[a-z0-9]{1,64}$/.test(normalized)) throw new ArcaError('InvalidRequestContent', { reason: `location "${value.slice(0, 64)}" is not a region name` });
  return normalized;
}

/** Honours If-Match (the etag the client read) and If-None-Match: * (create only). */
export function checkPreconditions(headers: Record<string, string | string[] | undefined>, existing: StoredRecord | undefined, id: string): void {
  const ifMatch = headers['if-match'];
  const ifNoneMatch = headers['if-none-match'];
  if (typeof ifNoneMatch === 'string' && ifNoneMatch.trim() === '*' && existing) throw new ArcaError('ResourceAlreadyExists', { resourceId: id });
  if (typeof ifMatch === 'string' && ifMatch.trim() !== '*') {
    if (!existing || etagOf(existing.version) !== ifMatch.trim()) throw new ArcaError('PreconditionFailed', { resourceId: id });
  }
  if (typeof ifMatch === 'string' && ifMatch.trim() === '*' && !existing) throw new ArcaError('PreconditionFailed', { resourceId: id });
}

/** Runs a read-modify-write, retrying when another writer got in between (bounded). */
export async function withRetryOnConflict<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isConflictError(error) || attempt >= attempts) throw error;
    }
  }
}

export const RESOURCE_GROUPS = 'resource-groups';

/** The resource group's record, or ResourceGroupNotFound. */
export async function requireResourceGroup(store: MetadataOperations, subscriptionId: string, resourceGroup: string): Promise<StoredRecord<ArmResource>> {
  const record = await store.get<ArmResource>(RESOURCE_GROUPS, resourceKey(resourceGroupId({ subscriptionId, resourceGroup })));
  if (!record) throw new ArcaError('ResourceGroupNotFound', { resourceGroup });
  return record;
}
