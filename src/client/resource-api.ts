import type { ArmClient } from './arm-client.ts';
import { API_VERSIONS, vmPath, type Resource } from './backup-api.ts';
import { send } from './http.ts';

/** api-versions of the resource providers beyond backup (the first each route family serves). */
export const RESOURCE_API_VERSIONS = { storage: '2023-01-01', network: '2023-05-01', keyVault: '2022-07-01' } as const;

/** Azure's power actions on a virtual machine; `stop` is Azure's powerOff, which keeps it allocated. */
export const POWER_ACTIONS = { start: 'start', stop: 'powerOff', restart: 'restart', deallocate: 'deallocate' } as const;
export type PowerAction = keyof typeof POWER_ACTIONS;

export interface AccessPolicy {
  readonly tenantId: string;
  readonly objectId: string;
  readonly permissions: { readonly keys?: readonly string[]; readonly secrets?: readonly string[]; readonly certificates?: readonly string[] };
}

const storagePath = (group: string, name: string) => `/resourceGroups/${group}/providers/Microsoft.Storage/storageAccounts/${name}`;
const networkPath = (group: string, name: string) => `/resourceGroups/${group}/providers/Microsoft.Network/virtualNetworks/${name}`;
const keyVaultPath = (group: string, name: string) => `/resourceGroups/${group}/providers/Microsoft.KeyVault/vaults/${name}`;

/**
 * The resources a backup depends on, beyond the vault's own: machines' power and extensions,
 * storage accounts, virtual networks, quotas, key vaults. Each call returns the server's JSON.
 */
export class ResourceApi {
  readonly arm: ArmClient;

  constructor(arm: ArmClient) {
    this.arm = arm;
  }

  async power(group: string, vm: string, action: PowerAction): Promise<void> {
    await this.arm.call('POST', `${vmPath(group, vm)}/${POWER_ACTIONS[action]}`, API_VERSIONS.compute);
  }
  listExtensions(group: string, vm: string) {
    return this.arm.list<Resource>(`${vmPath(group, vm)}/extensions`, API_VERSIONS.compute);
  }
  /** True when the machine had the extension (200), false when it had none by that name (204). */
  async removeExtension(group: string, vm: string, name: string): Promise<boolean> {
    return (await this.arm.call('DELETE', `${vmPath(group, vm)}/extensions/${name}`, API_VERSIONS.compute)).status === 200;
  }

  listStorageAccounts(group?: string) {
    const scope = group === undefined ? '' : `/resourceGroups/${group}`;
    return this.arm.list<Resource>(`${scope}/providers/Microsoft.Storage/storageAccounts`, RESOURCE_API_VERSIONS.storage);
  }
  getStorageAccount(group: string, name: string) {
    return this.arm.get<Resource>(storagePath(group, name), RESOURCE_API_VERSIONS.storage);
  }

  listVirtualNetworks(group?: string) {
    const scope = group === undefined ? '' : `/resourceGroups/${group}`;
    return this.arm.list<Resource>(`${scope}/providers/Microsoft.Network/virtualNetworks`, RESOURCE_API_VERSIONS.network);
  }
  getVirtualNetwork(group: string, name: string) {
    return this.arm.get<Resource>(networkPath(group, name), RESOURCE_API_VERSIONS.network);
  }

  /** Arca's per-group limit on virtual machines (no `limit` when none is set) and the current count. */
  getVmQuota(group: string) {
    return this.arm.get<Resource<{ limit?: number; currentValue: number; unit: string }>>(`/resourceGroups/${group}/providers/Arca.Management/quotas/virtualMachines`, API_VERSIONS.arca);
  }
  /** Azure's regional usage: virtual machines in a location against the regional limit. */
  regionalUsage(location: string) {
    return this.arm.list<{ name: { value: string; localizedValue?: string }; currentValue: number; limit: number; unit: string }>(
      `/providers/Microsoft.Compute/locations/${location}/usages`,
      API_VERSIONS.compute,
    );
  }

  listKeyVaults(group?: string) {
    const scope = group === undefined ? '' : `/resourceGroups/${group}`;
    return this.arm.list<Resource>(`${scope}/providers/Microsoft.KeyVault/vaults`, RESOURCE_API_VERSIONS.keyVault);
  }
  getKeyVault(group: string, name: string) {
    return this.arm.get<Resource<{ tenantId: string; accessPolicies: AccessPolicy[]; enabledForDiskEncryption?: boolean }>>(keyVaultPath(group, name), RESOURCE_API_VERSIONS.keyVault);
  }
  /** Azure's `accessPolicies/{add|remove}`: merges permissions into (or takes them from) each identity's policy. */
  async changeAccessPolicies(group: string, name: string, kind: 'add' | 'remove', policies: readonly AccessPolicy[]) {
    const answer = await this.arm.call('PUT', `${keyVaultPath(group, name)}/accessPolicies/${kind}`, RESOURCE_API_VERSIONS.keyVault, { body: { properties: { accessPolicies: policies } } });
    return answer.body as { properties: { accessPolicies: AccessPolicy[] } };
  }

  /** The identity key vault policies must name for backups of encrypted machines (Azure's Backup Management Service). */
  backupServiceIdentity() {
    return this.arm.get<{ tenantId: string; objectId: string }>('/arca/backupServiceIdentity', API_VERSIONS.arca);
  }

  /** The server's liveness answer, which carries its version. */
  async health(): Promise<{ status: string; version: string }> {
    return (await send(this.arm.connection, 'GET', new URL('/healthz', this.arm.connection.server))).body as { status: string; version: string };
  }
}
