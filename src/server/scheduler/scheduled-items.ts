import { PROTECTION_STATES, isBackupScheduled } from '../../core/states/index.ts';
import { PROTECTED_ITEMS, getBackupPolicy, type StoredPolicy, type StoredProtectedItem } from '../backup/index.ts';
import type { MetadataOperations, Page, StoredRecord } from '../persistence/index.ts';

/** Every record of a paged list, in order. */
export async function collectPages<T>(page: (continuation: string | undefined) => Promise<Page<T>>): Promise<StoredRecord<T>[]> {
  const all: StoredRecord<T>[] = [];
  let continuation: string | undefined;
  do {
    const next = await page(continuation);
    all.push(...next.records);
    continuation = next.continuation;
  } while (continuation !== undefined);
  return all;
}

/** Protected items of every vault in the given states, in id order within each state. */
export async function itemsInStates(store: MetadataOperations, states: readonly string[]): Promise<StoredRecord<StoredProtectedItem>[]> {
  const items: StoredRecord<StoredProtectedItem>[] = [];
  for (const state of states) {
    items.push(
      ...(await collectPages((continuation) =>
        store.list<StoredProtectedItem>(PROTECTED_ITEMS, {
          where: [{ field: 'protectionState', op: 'eq', value: state }],
          limit: 1000,
          ...(continuation ? { continuation } : {}),
        }),
      )),
    );
  }
  return items;
}

/** Items the scheduler takes backups of: in a scheduled state (core `isBackupScheduled`) and following a policy. */
export async function scheduledItems(store: MetadataOperations): Promise<StoredRecord<StoredProtectedItem>[]> {
  const items = await itemsInStates(store, PROTECTION_STATES.filter(isBackupScheduled));
  return items.filter((record) => record.data.policyId !== undefined);
}

/** Reads policies once per pass. */
export function policyReader(store: MetadataOperations): (policyId: string) => Promise<StoredPolicy | undefined> {
  const cache = new Map<string, Promise<StoredPolicy | undefined>>();
  return (policyId) => {
    const key = policyId.toLowerCase();
    let found = cache.get(key);
    if (found === undefined) {
      found = getBackupPolicy(store, policyId).then((record) => record?.data);
      cache.set(key, found);
    }
    return found;
  };
}
