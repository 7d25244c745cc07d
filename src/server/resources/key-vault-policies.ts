import { ArcaError } from '../../core/errors/index.ts';
import { findMember } from '../../core/states/index.ts';
import { objectField, resourceKey } from '../arm/index.ts';
import type { MetadataOperations } from '../persistence/index.ts';
import { COLLECTIONS } from './contents.ts';
import { arrayField, GUID, objectAt, patternField } from './fields.ts';

/**
 * Key vault access policies: who (tenant, object id) may do what with keys and secrets. Backup of
 * an encrypted machine needs the Backup identity to hold get and list on both.
 */
export const KEY_PERMISSIONS = [
  'all', 'get', 'list', 'create', 'update', 'import', 'delete', 'backup', 'restore', 'recover', 'purge',
  'encrypt', 'decrypt', 'wrapKey', 'unwrapKey', 'sign', 'verify', 'release', 'rotate', 'getrotationpolicy', 'setrotationpolicy',
] as const;
export const SECRET_PERMISSIONS = ['all', 'get', 'list', 'set', 'delete', 'backup', 'restore', 'recover', 'purge'] as const;
export const CERTIFICATE_PERMISSIONS = [
  'all', 'get', 'list', 'delete', 'create', 'import', 'update', 'managecontacts', 'getissuers', 'listissuers',
  'setissuers', 'deleteissuers', 'manageissuers', 'recover', 'purge', 'backup', 'restore',
] as const;

const KINDS = { keys: KEY_PERMISSIONS, secrets: SECRET_PERMISSIONS, certificates: CERTIFICATE_PERMISSIONS } as const;
type PermissionKind = keyof typeof KINDS;
export type Permissions = { readonly [K in PermissionKind]: readonly string[] };

export interface AccessPolicy {
  readonly tenantId: string;
  readonly objectId: string;
  readonly permissions: Permissions;
}

/** Azure keeps at most 1024 policies per vault. */
const MAX_POLICIES = 1024;

function permissionsOf(input: Record<string, unknown>, path: string): Permissions {
  const read = (kind: PermissionKind) => {
    const set: readonly string[] = KINDS[kind];
    const values = arrayField(input, kind, `${path}.${kind}`, set.length).map((value, i) => {
      const member = typeof value === 'string' ? findMember(set, value) : undefined;
      if (member === undefined) throw new ArcaError('InvalidRequestContent', { reason: `${path}.${kind}[${i}] must be one of ${set.join(', ')}` });
      return member;
    });
    return [...new Set(values)];
  };
  return { keys: read('keys'), secrets: read('secrets'), certificates: read('certificates') };
}

export function parseAccessPolicies(parent: Record<string, unknown>, path: string): AccessPolicy[] {
  return arrayField(parent, 'accessPolicies', path, MAX_POLICIES).map((value, i) => {
    const at = `${path}[${i}]`;
    const input = objectAt(value, at);
    const guid = (name: string) => (patternField(input, name, `${at}.${name}`, GUID, 'a GUID', { required: true }) as string).toLowerCase();
    return { tenantId: guid('tenantId'), objectId: guid('objectId'), permissions: permissionsOf(objectField(input, 'permissions', `${at}.permissions`), `${at}.permissions`) };
  });
}

const same = (a: AccessPolicy, b: AccessPolicy) => a.tenantId === b.tenantId && a.objectId === b.objectId;
const merge = (kind: PermissionKind, a: Permissions, b: Permissions) => [...new Set([...a[kind], ...b[kind]])];
const without = (kind: PermissionKind, a: Permissions, b: Permissions) => a[kind].filter((p) => !b[kind].includes(p));

/**
 * Azure's `accessPolicies/{add|replace|remove}`: add merges permissions into each identity's
 * policy, remove takes them away (dropping a policy left empty), replace sets the whole list.
 */
export function applyPolicyChange(current: readonly AccessPolicy[], kind: 'add' | 'replace' | 'remove', change: readonly AccessPolicy[]): AccessPolicy[] {
  if (kind === 'replace') return [...change];
  let result = [...current];
  for (const policy of change) {
    const found = result.find((p) => same(p, policy));
    if (kind === 'add') {
      const permissions = found ? { keys: merge('keys', found.permissions, policy.permissions), secrets: merge('secrets', found.permissions, policy.permissions), certificates: merge('certificates', found.permissions, policy.permissions) } : policy.permissions;
      result = found ? result.map((p) => (p === found ? { ...p, permissions } : p)) : [...result, policy];
    } else if (found) {
      const permissions = { keys: without('keys', found.permissions, policy.permissions), secrets: without('secrets', found.permissions, policy.permissions), certificates: without('certificates', found.permissions, policy.permissions) };
      const empty = permissions.keys.length + permissions.secrets.length + permissions.certificates.length === 0;
      result = empty ? result.filter((p) => p !== found) : result.map((p) => (p === found ? { ...p, permissions } : p));
    }
  }
  if (result.length > MAX_POLICIES) throw new ArcaError('InvalidRequestContent', { reason: `a key vault holds at most ${MAX_POLICIES} access policies` });
  return result;
}

export interface KeyVaultGrants {
  readonly keys: readonly string[];
  readonly secrets: readonly string[];
}

/** What the Backup service identity needs on an encrypted machine's key vault. */
export const BACKUP_KEY_VAULT_PERMISSIONS: KeyVaultGrants = { keys: ['get', 'list'], secrets: ['get', 'list'] };

/**
 * The key and secret permissions `objectId` holds on the key vault (every policy naming it, `all`
 * expanded), or undefined when the key vault does not exist.
 */
export async function keyVaultGrants(store: MetadataOperations, keyVaultId: string, objectId: string): Promise<KeyVaultGrants | undefined> {
  const record = await store.get<{ properties: { accessPolicies: readonly AccessPolicy[] } }>(COLLECTIONS.keyVaults, resourceKey(keyVaultId));
  if (!record) return undefined;
  const mine = record.data.properties.accessPolicies.filter((p) => p.objectId === objectId.toLowerCase());
  const expand = (kind: 'keys' | 'secrets') => {
    const held = new Set(mine.flatMap((p) => p.permissions[kind]));
    return held.has('all') ? KINDS[kind].filter((p) => p !== 'all') : [...held];
  };
  return { keys: expand('keys'), secrets: expand('secrets') };
}

/** The permissions in `needed` that `grants` lacks, as `keys/get`, `secrets/list`… (empty: enough). */
export function missingGrants(grants: KeyVaultGrants | undefined, needed: KeyVaultGrants = BACKUP_KEY_VAULT_PERMISSIONS): string[] {
  return (['keys', 'secrets'] as const).flatMap((kind) => needed[kind].filter((p) => !grants?.[kind].includes(p)).map((p) => `${kind}/${p}`));
}
