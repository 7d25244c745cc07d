import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, type ResourceId } from '../../core/ids/index.ts';
import type { MetadataOperations } from '../persistence/index.ts';
import type { ArmResource } from './resources.ts';

export const LOCKS = 'locks';
export const LOCK_LEVELS = ['CanNotDelete', 'ReadOnly'] as const;
export type LockLevel = (typeof LOCK_LEVELS)[number];

export interface LockProperties {
  readonly level: LockLevel;
  readonly notes?: string;
}

/** Lock records are indexed by the lower-cased id of the scope they sit on. */
export type LockResource = ArmResource<LockProperties>;

/** The scope a lock id sits on: everything before `/providers/Microsoft.Authorization/locks/{name}`. */
export function lockScopeOf(lockId: string): string {
  const at = lockId.toLowerCase().lastIndexOf('/providers/microsoft.authorization/locks/');
  return at < 0 ? lockId : lockId.slice(0, at);
}

/**
 * Refuses a change that a lock on the target, or on any scope above it (resource group,
 * subscription, parent resource), forbids: CanNotDelete forbids deletes, ReadOnly forbids deletes
 * and writes. Deleting a lock is never blocked by locks.
 */
export async function checkLocks(store: MetadataOperations, target: ResourceId, change: 'write' | 'delete', operation: string): Promise<void> {
  const targetText = formatResourceId(target).toLowerCase();
  const scopes = new Set<string>();
  for (let scope = targetText; scope.includes('/'); ) {
    scopes.add(scope);
    const parent = scope.slice(0, scope.lastIndexOf('/'));
    // Resource ids climb in /{type}/{name} pairs; stopping on "/providers" keeps only real scopes.
    scope = parent.endsWith('/providers') ? parent.slice(0, -'/providers'.length) : parent;
  }
  const where = target.resourceGroup === undefined ? [] : [{ field: 'resourceGroup', op: 'eq' as const, value: target.resourceGroup.toLowerCase() }];
  for (const query of [{ where }, { where: [{ field: 'scope', op: 'eq' as const, value: `/subscriptions/${target.subscriptionId.toLowerCase()}` }] }]) {
    let continuation: string | undefined;
    do {
      const page = await store.list<LockResource>(LOCKS, { ...query, limit: 1000, ...(continuation ? { continuation } : {}) });
      for (const record of page.records) {
        const scope = record.index.scope ?? '';
        if (!scopes.has(scope)) continue;
        const level = record.data.properties.level;
        if (change === 'delete' || level === 'ReadOnly') {
          throw new ArcaError('ScopeLocked', { lockLevel: level, lockName: record.data.name, scope: scope, operation, lockId: record.data.id });
        }
      }
      continuation = page.continuation;
    } while (continuation);
  }
}
