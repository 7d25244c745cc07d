import { ArcaError } from '../../core/errors/index.ts';
import { formatResourceId, parseResourceId, recoveryPointId, resourceName, type ResourceId } from '../../core/ids/index.ts';
import { getProtectedItem, type StoredProtectedItem, type VaultResource } from '../backup/index.ts';
import type { MetadataOperations } from '../persistence/index.ts';
import { getRecoveryPoint, type RecoveryPointRecord } from '../points/index.ts';
import { getVirtualMachine } from '../resources/index.ts';
import type { VirtualMachineRecord } from '../resources/virtual-machine-model.ts';

/** What a restore reads from: the vault, the item, the recovery point and (when it still exists) the machine. */
export interface RestoreSource {
  readonly vault: VaultResource;
  readonly vaultId: ResourceId;
  readonly item: StoredProtectedItem;
  readonly point: RecoveryPointRecord;
  /** The point's id as the vault keeps it: the item's canonical id and the point's name. */
  readonly pointId: string;
  /** The protected machine's record now; undefined once the machine was deleted. */
  readonly vm?: VirtualMachineRecord;
  readonly vmName: string;
}

/**
 * Loads what a restore of point `pointName` of `itemId` reads. ResourceNotFound for an unknown item,
 * UserErrorItemSoftDeleted while its data waits in soft delete (undelete it first, as on Azure),
 * UserErrorRecoveryPointNotFound for an unknown point.
 */
export async function loadRestoreSource(store: MetadataOperations, vault: VaultResource, itemId: ResourceId, pointName: string): Promise<RestoreSource> {
  const item = await getProtectedItem(store, itemId);
  if (!item) throw new ArcaError('ResourceNotFound', { resourceId: formatResourceId(itemId) });
  if (item.data.protectionState === 'SoftDeleted') {
    throw new ArcaError('UserErrorItemSoftDeleted', { itemName: item.data.friendlyName, purgeDate: item.data.softDelete?.purgeAt.slice(0, 10) ?? '' });
  }
  const pointId = formatResourceId(recoveryPointId(parseResourceId(item.data.id), pointName));
  const point = await getRecoveryPoint(store, pointId);
  if (!point) {
    throw new ArcaError('UserErrorRecoveryPointNotFound', { recoveryPointId: pointName, vmName: item.data.friendlyName, vaultName: vault.name });
  }
  const vm = await getVirtualMachine(store, item.data.sourceResourceId);
  return {
    vault,
    vaultId: parseResourceId(vault.id),
    item: item.data,
    point: point.data,
    pointId,
    ...(vm ? { vm: vm.data } : {}),
    vmName: resourceName(parseResourceId(item.data.sourceResourceId)),
  };
}

/** The disks of the point, with the encryption the point (or else the machine) declares. */
export interface SourceEncryption {
  readonly encrypted: boolean;
  /** Encrypted with disk keys (BEK) and no key-encryption key (KEK). */
  readonly bekOnly: boolean;
  /** The key vaults that hold the keys, by id. */
  readonly keyVaultIds: readonly string[];
}

type KeyAndSecret = { kekDetails?: { keyUrl?: unknown; keyVaultId?: unknown }; bekDetails?: { secretUrl?: unknown; secretVaultId?: unknown } };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Reads the encryption from the point's `keyAndSecret` (how the disk keys were when it was backed
 * up) when it carries one; otherwise from the machine's disks as they are now (type BEK or
 * BEKAndKEK). Disks encrypted inside the guest (LUKS) need no key vault and count as not encrypted
 * here, even though the point's `isSourceVMEncrypted` says they are.
 */
export function sourceEncryption(source: Pick<RestoreSource, 'point' | 'vm'>): SourceEncryption {
  const keys = source.point.properties.keyAndSecret as KeyAndSecret | undefined;
  const secretVault = text(keys?.bekDetails?.secretVaultId);
  if (keys && (text(keys.bekDetails?.secretUrl) !== undefined || secretVault !== undefined)) {
    const vaults = [secretVault, text(keys.kekDetails?.keyVaultId)].filter((v): v is string => v !== undefined);
    return { encrypted: true, bekOnly: text(keys.kekDetails?.keyUrl) === undefined, keyVaultIds: unique(vaults) };
  }
  const profile = source.vm?.properties.storageProfile;
  const disks = profile ? [profile.osDisk, ...profile.dataDisks].filter((d) => d.encryption.type === 'BEK' || d.encryption.type === 'BEKAndKEK') : [];
  if (disks.length === 0) return { encrypted: false, bekOnly: false, keyVaultIds: [] };
  return {
    encrypted: true,
    bekOnly: disks.some((d) => d.encryption.type === 'BEK'),
    keyVaultIds: unique(disks.map((d) => d.encryption.keyVaultId).filter((v): v is string => v !== undefined)),
  };
}

function unique(ids: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const id of ids) if (!seen.has(id.toLowerCase())) seen.set(id.toLowerCase(), id);
  return [...seen.values()];
}
