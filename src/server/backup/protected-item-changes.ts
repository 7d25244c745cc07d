import { ArcaError } from '../../core/errors/index.ts';
import { softDeletePurgeAt } from '../../core/limits.ts';
import type { PolicyType } from '../../core/policy/index.ts';
import { isBackupScheduled, protectionStateMachine, transition, type JobOperation, type ProtectionState } from '../../core/states/index.ts';
import type { StoredProtectedItem } from './protected-items-store.ts';

/**
 * What a request does to a protected item, decided without I/O: enable or modify protection (a
 * policy), stop it keeping the data, delete the data (soft delete) and undelete. Each change names
 * the job operation Azure would record for it. Every state move goes through the core machine.
 */
export interface PolicyRef {
  readonly id: string;
  readonly name: string;
  readonly policyType: PolicyType;
}

export type ItemChange =
  | { readonly kind: 'protect'; readonly policy: PolicyRef }
  | { readonly kind: 'stop' }
  | { readonly kind: 'delete' }
  | { readonly kind: 'undelete' };

export interface ChangeResult {
  readonly item: StoredProtectedItem;
  readonly operation: JobOperation;
}

export type NewItem = Omit<StoredProtectedItem, 'protectionState' | 'policyId' | 'policyName' | 'policyType' | 'softDelete'>;

/** A first protection: the item begins in IRPending, waiting for its initial backup. */
export function enableProtection(base: NewItem, policy: PolicyRef): ChangeResult {
  const [initial = 'IRPending'] = protectionStateMachine.initial;
  return { item: { ...base, protectionState: initial, ...policyFields(policy) }, operation: 'ConfigureBackup' };
}

export function changeProtection(item: StoredProtectedItem, change: ItemChange, now: Date): ChangeResult {
  if (item.protectionState === 'SoftDeleted' && change.kind !== 'undelete') {
    throw new ArcaError('UserErrorItemSoftDeleted', { itemName: item.friendlyName, purgeDate: item.softDelete?.purgeAt ?? 'unknown' });
  }
  switch (change.kind) {
    case 'protect':
      return protect(item, change.policy);
    case 'stop':
      return { item: withoutPolicy(move(item, 'ProtectionStopped')), operation: 'DisableBackup' };
    case 'delete': {
      const deleted = withoutPolicy(move(item, 'SoftDeleted'));
      const softDelete = { deletedAt: now.toISOString(), purgeAt: softDeletePurgeAt(now).toISOString() };
      return { item: { ...deleted, softDelete }, operation: 'DeleteBackupData' };
    }
    case 'undelete': {
      if (item.protectionState !== 'SoftDeleted') throw new ArcaError('UserErrorItemNotSoftDeleted', { itemName: item.friendlyName, state: item.protectionState });
      const { softDelete: _, ...rest } = move(item, 'ProtectionStopped');
      return { item: rest, operation: 'Undelete' };
    }
  }
}

/** Modify the policy of an active item, or resume a stopped one (Protected once it has a point). */
function protect(item: StoredProtectedItem, policy: PolicyRef): ChangeResult {
  if (item.policyType === 'V2' && policy.policyType === 'V1') {
    throw new ArcaError('UserErrorPolicyTypeChangeNotAllowed', { subject: item.friendlyName, fromType: 'V2', toType: 'V1' });
  }
  const resumed: ProtectionState = item.lastRecoveryPoint === undefined ? 'IRPending' : 'Protected';
  const state = isBackupScheduled(item.protectionState) ? item.protectionState : resumed;
  return { item: { ...move(item, state), ...policyFields(policy) }, operation: 'ConfigureBackup' };
}

function move(item: StoredProtectedItem, to: ProtectionState): StoredProtectedItem {
  if (item.protectionState === to) return item;
  return { ...item, protectionState: transition(protectionStateMachine, item.protectionState, to, `Protection of ${item.friendlyName}`) };
}

function policyFields(policy: PolicyRef): Pick<StoredProtectedItem, 'policyId' | 'policyName' | 'policyType'> {
  return { policyId: policy.id, policyName: policy.name, policyType: policy.policyType };
}

function withoutPolicy(item: StoredProtectedItem): StoredProtectedItem {
  const { policyId: _id, policyName: _name, ...rest } = item;
  return rest;
}
