import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isArcaError, type CatalogCode } from '../../core/errors/index.ts';
import { SqliteMetadataStore, type MetadataStore } from '../persistence/index.ts';
import { changeProtection, enableProtection, type ItemChange, type NewItem, type PolicyRef } from './protected-item-changes.ts';
import {
  canonicalItemId,
  getProtectedItem,
  protectedItemForVm,
  protectedItemsOfVault,
  purgeExpiredSoftDeleted,
  saveProtectedItem,
  updateProtectedItem,
  type StoredProtectedItem,
} from './protected-items-store.ts';
import { formatResourceId } from '../../core/ids/index.ts';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000001';
const VAULT = `${SUB}/resourceGroups/Backup-RG/providers/Microsoft.RecoveryServices/vaults/Vault1`;
const itemIdOf = (vm: string) =>
  `${VAULT}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;App-RG;${vm}/protectedItems/VM;iaasvmcontainerv2;App-RG;${vm}`;
const NOW = new Date('2025-03-01T10:00:00.000Z');
const DAY = 86_400_000;
const V1: PolicyRef = { id: `${VAULT}/backupPolicies/daily`, name: 'daily', policyType: 'V1' };
const V2: PolicyRef = { id: `${VAULT}/backupPolicies/hourly`, name: 'hourly', policyType: 'V2' };

function base(vm: string): NewItem {
  return {
    id: itemIdOf(vm),
    name: `VM;iaasvmcontainerv2;App-RG;${vm}`,
    vaultId: VAULT,
    containerName: `IaasVMContainer;iaasvmcontainerv2;App-RG;${vm}`,
    sourceResourceId: `${SUB}/resourceGroups/App-RG/providers/Microsoft.Compute/virtualMachines/${vm}`,
    friendlyName: vm,
    protectedItemDataId: `data-${vm}`,
    createdAt: NOW.toISOString(),
  };
}

async function withStore(body: (store: MetadataStore) => Promise<void>): Promise<void> {
  const store = SqliteMetadataStore.open(':memory:');
  try {
    await body(store);
  } finally {
    await store.close();
  }
}

function refusedWith(code: CatalogCode): (error: unknown) => boolean {
  return (error) => isArcaError(error) && error.code === code;
}

/** Applies changes in order, starting from a freshly protected item. */
function run(item: StoredProtectedItem, ...changes: ItemChange[]): StoredProtectedItem {
  return changes.reduce((current, change) => changeProtection(current, change, NOW).item, item);
}

describe('protected item changes', () => {
  const fresh = enableProtection(base('web-1'), V1).item;

  it('enables protection in IRPending with the policy, as a ConfigureBackup', () => {
    const { item, operation } = enableProtection(base('web-1'), V1);
    assert.equal(item.protectionState, 'IRPending');
    assert.equal(item.policyName, 'daily');
    assert.equal(operation, 'ConfigureBackup');
  });

  it('modifies the policy of an active item without changing its state', () => {
    const item = changeProtection({ ...fresh, protectionState: 'Protected' }, { kind: 'protect', policy: V2 }, NOW).item;
    assert.equal(item.protectionState, 'Protected');
    assert.equal(item.policyType, 'V2');
  });

  it('refuses moving an item from a V2 policy back to a V1 one', () => {
    const onV2 = run(fresh, { kind: 'protect', policy: V2 });
    assert.throws(() => changeProtection(onV2, { kind: 'protect', policy: V1 }, NOW), refusedWith('UserErrorPolicyTypeChangeNotAllowed'));
  });

  it('stops protection keeping the data, dropping the policy; stopping again changes nothing', () => {
    const stopped = run(fresh, { kind: 'stop' });
    assert.equal(stopped.protectionState, 'ProtectionStopped');
    assert.equal(stopped.policyId, undefined);
    assert.deepEqual(run(stopped, { kind: 'stop' }), stopped);
  });

  it('resumes a stopped item to IRPending without a recovery point and to Protected with one', () => {
    const stopped = run(fresh, { kind: 'stop' });
    assert.equal(run(stopped, { kind: 'protect', policy: V1 }).protectionState, 'IRPending');
    assert.equal(run({ ...stopped, lastRecoveryPoint: NOW.toISOString() }, { kind: 'protect', policy: V1 }).protectionState, 'Protected');
  });

  it('soft-deletes for 14 days and undeletes back to ProtectionStopped', () => {
    const { item: deleted, operation } = changeProtection(fresh, { kind: 'delete' }, NOW);
    assert.equal(operation, 'DeleteBackupData');
    assert.equal(deleted.protectionState, 'SoftDeleted');
    assert.equal(deleted.softDelete?.purgeAt, new Date(NOW.getTime() + 14 * DAY).toISOString());
    const undeleted = run(deleted, { kind: 'undelete' });
    assert.equal(undeleted.protectionState, 'ProtectionStopped');
    assert.equal(undeleted.softDelete, undefined);
  });

  for (const change of [{ kind: 'protect', policy: V1 }, { kind: 'stop' }, { kind: 'delete' }] as const) {
    it(`refuses ${change.kind} on a soft-deleted item with UserErrorItemSoftDeleted`, () => {
      const deleted = run(fresh, { kind: 'delete' });
      assert.throws(() => changeProtection(deleted, change, NOW), refusedWith('UserErrorItemSoftDeleted'));
    });
  }

  it('refuses undelete of an item that is not soft-deleted', () => {
    assert.throws(() => changeProtection(fresh, { kind: 'undelete' }, NOW), refusedWith('UserErrorItemNotSoftDeleted'));
  });
});

describe('protected items store', () => {
  it('finds an item by any accepted form of its id and by its VM', () =>
    withStore(async (store) => {
      await saveProtectedItem(store, enableProtection(base('web-1'), V1).item, 0);
      const short = `${VAULT.toLowerCase()}/backupfabrics/azure/protectionContainers/iaasvmcontainerv2;app-rg;WEB-1/protectedItems/iaasvmcontainerv2;app-rg;web-1`;
      assert.equal((await getProtectedItem(store, short))?.data.friendlyName, 'web-1');
      assert.equal((await protectedItemForVm(store, base('web-1').sourceResourceId.toUpperCase()))?.data.id, itemIdOf('web-1'));
      assert.equal(await protectedItemForVm(store, base('web-2').sourceResourceId), undefined);
    }));

  it('refuses an id whose container and item name different machines', () => {
    assert.throws(() => canonicalItemId(itemIdOf('web-1').replace(/;web-1$/, ';web-2')), refusedWith('InvalidResourceId'));
    assert.equal(formatResourceId(canonicalItemId(itemIdOf('web-1'))), itemIdOf('web-1'));
  });

  it('lists a vault\'s items by state and policy, and updates with read-modify-write', () =>
    withStore(async (store) => {
      await saveProtectedItem(store, enableProtection(base('web-1'), V1).item, 0);
      await saveProtectedItem(store, enableProtection(base('web-2'), V2).item, 0);
      assert.equal((await protectedItemsOfVault(store, VAULT)).length, 2);
      assert.deepEqual((await protectedItemsOfVault(store, VAULT.toUpperCase(), { policyId: V2.id })).map((r) => r.data.friendlyName), ['web-2']);
      await updateProtectedItem(store, itemIdOf('web-1'), (item) => changeProtection(item, { kind: 'stop' }, NOW).item);
      assert.deepEqual((await protectedItemsOfVault(store, VAULT, { protectionState: 'ProtectionStopped' })).map((r) => r.data.friendlyName), ['web-1']);
      assert.equal((await protectedItemsOfVault(store, VAULT, { policyId: V1.id })).length, 0, 'a stopped item follows no policy');
      await assert.rejects(updateProtectedItem(store, itemIdOf('web-9'), (item) => item), refusedWith('ResourceNotFound'));
    }));

  it('purges soft-deleted items only once their 14 days have passed, and leaves undeleted ones', () =>
    withStore(async (store) => {
      const deletedAt = new Date(NOW.getTime() - 20 * DAY);
      await saveProtectedItem(store, changeProtection(enableProtection(base('old-1'), V1).item, { kind: 'delete' }, deletedAt).item, 0);
      await saveProtectedItem(store, changeProtection(enableProtection(base('new-1'), V1).item, { kind: 'delete' }, NOW).item, 0);
      await saveProtectedItem(store, enableProtection(base('live-1'), V1).item, 0);
      assert.deepEqual((await purgeExpiredSoftDeleted(store, NOW)).map((item) => item.friendlyName), ['old-1']);
      assert.deepEqual(await purgeExpiredSoftDeleted(store, new Date(NOW.getTime() + 14 * DAY - 1)), []);
      assert.deepEqual((await purgeExpiredSoftDeleted(store, new Date(NOW.getTime() + 14 * DAY))).map((item) => item.friendlyName), ['new-1']);
      assert.deepEqual((await protectedItemsOfVault(store, VAULT)).map((r) => r.data.friendlyName), ['live-1']);
    }));
});
