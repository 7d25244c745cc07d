import type { Resource, VaultRef } from '../../client/backup-api.ts';
import { ArcaError } from '../../core/errors/index.ts';
import type { Session } from '../context/session.ts';

export interface ItemRef {
  readonly vault: VaultRef;
  /** The machine's resource group and name, as the item's container names them. */
  readonly resourceGroup: string;
  readonly vm: string;
  readonly item: Resource;
}

/**
 * A machine's protected item in the vault, found by the machine's name (case-insensitive) or by
 * its container's resource group when given. The machine itself may be gone: a deleted machine's
 * item and points stay in the vault.
 */
export async function findItem(session: Session, vmName: string, vmResourceGroup?: string): Promise<ItemRef> {
  const vault = await session.vault();
  const items = await session.api.listProtectedItems(vault);
  const matches = items.filter((item) => {
    const [, group = '', name = ''] = String((item.properties as { containerName?: string }).containerName ?? '').split(';');
    return name.toLowerCase() === vmName.toLowerCase() && (vmResourceGroup === undefined || group.toLowerCase() === vmResourceGroup.toLowerCase());
  });
  if (matches.length > 1) {
    throw new ArcaError('CliNameAmbiguous', { kind: 'virtual machine', name: vmName, groups: matches.map((m) => String((m.properties as { containerName?: string }).containerName).split(';')[1]).join(', ') });
  }
  const item = matches[0];
  if (!item) throw new ArcaError('UserErrorBcmDatasourceNotPresent', { vmName });
  const [, group = '', name = ''] = String((item.properties as { containerName?: string }).containerName).split(';');
  return { vault, resourceGroup: group, vm: name, item };
}
