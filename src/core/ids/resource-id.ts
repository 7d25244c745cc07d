import { ArcaError } from '../errors/index.ts';
import { MAX_RESOURCE_ID_LENGTH, nameSegmentProblem, quote } from './name-segment.ts';

/** One `{type}/{name}` pair under a provider namespace. */
export interface TypedName {
  readonly type: string;
  readonly name: string;
}

/**
 * A parsed ARM resource id: a subscription, a resource group, or a resource under
 * `/providers/{namespace}/{type}/{name}[/{childType}/{childName}…]` at resource-group or subscription
 * scope. Names keep their case; `provider` is present exactly when `types` is not empty.
 */
export interface ResourceId {
  readonly subscriptionId: string;
  readonly resourceGroup?: string;
  readonly provider?: string;
  readonly types: readonly TypedName[];
}

const NAMESPACE = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+$/;
const TYPE = /^[A-Za-z][A-Za-z0-9]*$/;

function fail(resourceId: string, reason: string): never {
  throw new ArcaError('InvalidResourceId', { resourceId, reason });
}

function is(segment: string | undefined, keyword: string): boolean {
  return segment !== undefined && segment.toLowerCase() === keyword.toLowerCase();
}

/** Why the parts of an id do not make a valid id, or undefined. Shared by parsing and building. */
export function resourceIdProblem(id: ResourceId): string | undefined {
  const problem =
    nameSegmentProblem('subscription id', id.subscriptionId) ??
    (id.resourceGroup === undefined ? undefined : nameSegmentProblem('resource group name', id.resourceGroup));
  if (problem) return problem;
  if (id.provider === undefined) return id.types.length > 0 ? 'resource types are given without a provider namespace' : undefined;
  if (!NAMESPACE.test(id.provider)) return `the provider namespace ${quote(id.provider)} is not of the form Company.Service`;
  if (id.types.length === 0) return `the provider namespace ${quote(id.provider)} must be followed by a resource type and a name`;
  for (const { type, name } of id.types) {
    if (is(type, 'providers')) return "nested '/providers/' segments (extension resources) are not supported";
    if (!TYPE.test(type)) return `the resource type ${quote(type)} is not a valid type name`;
    const nameProblem = nameSegmentProblem(`${type} name`, name);
    if (nameProblem) return nameProblem;
  }
  return undefined;
}

/** Throws InvalidResourceId when the parts do not make a valid id; returns the id otherwise. */
export function checkResourceId(id: ResourceId): ResourceId {
  const problem = resourceIdProblem(id);
  if (problem) fail(formatResourceId(id), problem);
  return id;
}

function splitSegments(text: string): string[] {
  if (text.length === 0) fail(text, 'the id is empty');
  if (!text.startsWith('/')) fail(text, "it must start with '/'");
  if (text.length > MAX_RESOURCE_ID_LENGTH) {
    fail(text, `it is ${text.length} characters long; ids are limited to ${MAX_RESOURCE_ID_LENGTH}`);
  }
  if (text.length > 1 && text.endsWith('/')) fail(text, "it ends with '/'");
  const segments = text.slice(1).split('/');
  const empty = segments.indexOf('');
  if (empty >= 0) fail(text, `segment ${empty + 1} is empty (two '/' in a row)`);
  return segments;
}

/**
 * Reads an ARM id. Keywords (`subscriptions`, `resourceGroups`, `providers`) match in any case, as
 * ARM does; names keep the case they were written in. Throws InvalidResourceId with the reason.
 */
export function parseResourceId(text: string): ResourceId {
  const segments = splitSegments(text);
  const [first, subscriptionId, ...rest] = segments;
  if (!is(first, 'subscriptions')) fail(text, `it must begin with '/subscriptions/', not ${quote(`/${first}/`)}`);
  if (subscriptionId === undefined) fail(text, "the subscription id is missing after 'subscriptions'");
  let resourceGroup: string | undefined;
  if (is(rest[0], 'resourceGroups')) {
    resourceGroup = rest[1];
    if (resourceGroup === undefined) fail(text, "the resource group name is missing after 'resourceGroups'");
    rest.splice(0, 2);
  }
  if (rest.length === 0) return checkParsed(text, { subscriptionId, resourceGroup, types: [] });
  if (!is(rest[0], 'providers')) {
    const after =
      resourceGroup === undefined
        ? "'resourceGroups' or 'providers' after the subscription id"
        : "'providers' after the resource group name";
    fail(text, `expected ${after}, found ${quote(rest[0] ?? '')}`);
  }
  const [, provider, ...pairs] = rest;
  if (provider === undefined) fail(text, "the provider namespace is missing after 'providers'");
  if (pairs.length % 2 === 1) fail(text, `the resource type ${quote(pairs.at(-1) ?? '')} has no name after it`);
  const types: TypedName[] = [];
  for (let i = 0; i < pairs.length; i += 2) types.push({ type: pairs[i] as string, name: pairs[i + 1] as string });
  return checkParsed(text, { subscriptionId, resourceGroup, provider, types });
}

function checkParsed(text: string, parts: ResourceId): ResourceId {
  const problem = resourceIdProblem(parts);
  if (problem) fail(text, problem);
  return compactResourceId(parts);
}

/** The same id without keys set to undefined, so that equal ids are deeply equal objects. */
export function compactResourceId(id: ResourceId): ResourceId {
  return {
    subscriptionId: id.subscriptionId,
    ...(id.resourceGroup === undefined ? {} : { resourceGroup: id.resourceGroup }),
    ...(id.provider === undefined ? {} : { provider: id.provider }),
    types: id.types.map(({ type, name }) => ({ type, name })),
  };
}

/** Writes an id with canonical keyword spelling and the names as given. */
export function formatResourceId(id: ResourceId): string {
  let text = `/subscriptions/${id.subscriptionId}`;
  if (id.resourceGroup !== undefined) text += `/resourceGroups/${id.resourceGroup}`;
  if (id.provider !== undefined) text += `/providers/${id.provider}`;
  for (const { type, name } of id.types) text += `/${type}/${name}`;
  return text;
}
