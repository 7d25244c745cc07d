import { ArmClient, type OperationStatus, type WaitOptions } from './arm-client.ts';

/** api-versions the client speaks, one per resource provider (the server lists them in /arca/openapi.json). */
export const API_VERSIONS = {
  resources: '2021-04-01',
  vaults: '2023-04-01',
  backup: '2023-06-01',
  compute: '2024-03-01',
  locks: '2020-05-01',
  arca: '2026-11-01',
} as const;

/** The ARM resource every list and get returns: id, name, type, location, properties. */
export interface Resource<P = Record<string, unknown>> {
  readonly id: string;
  readonly name: string;
  readonly type?: string;
  readonly location?: string;
  readonly properties: P;
  readonly [key: string]: unknown;
}

export interface VaultRef {
  readonly resourceGroup: string;
  readonly name: string;
}

export interface JobTask {
  readonly taskId: string;
  readonly status: string;
  readonly progressPercentage?: number;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly duration?: string;
}

export interface JobErrorDetail {
  readonly code?: string;
  readonly errorCode?: number;
  readonly errorTitle?: string;
  readonly errorString?: string;
  readonly recommendations?: string[];
}

export interface JobProperties {
  readonly entityFriendlyName?: string;
  readonly operation: string;
  readonly status: string;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly duration?: string;
  readonly actionsInfo?: string[];
  readonly errorDetails?: JobErrorDetail[];
  readonly extendedInfo?: { tasksList?: JobTask[]; progressPercentage?: number; dynamicErrorMessage?: string; propertyBag?: Record<string, string> };
}

export const vaultPath = (v: VaultRef) => `/resourceGroups/${v.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${v.name}`;
export const vmPath = (resourceGroup: string, vm: string) => `/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${vm}`;
export const containerName = (resourceGroup: string, vm: string) => `IaasVMContainer;iaasvmcontainerv2;${resourceGroup};${vm}`;
export const protectedItemName = (resourceGroup: string, vm: string) => `VM;iaasvmcontainerv2;${resourceGroup};${vm}`;
export const itemPath = (v: VaultRef, resourceGroup: string, vm: string) =>
  `${vaultPath(v)}/backupFabrics/Azure/protectionContainers/${containerName(resourceGroup, vm)}/protectedItems/${protectedItemName(resourceGroup, vm)}`;

/** Resource group and name of an ARM id (`/subscriptions/s/resourceGroups/rg/providers/…/name`). */
export function partsOf(id: string): { resourceGroup: string; name: string } {
  const segments = id.split('/');
  const at = segments.findIndex((s) => s.toLowerCase() === 'resourcegroups');
  return { resourceGroup: segments[at + 1] ?? '', name: segments.at(-1) ?? '' };
}

/** The routes an operator uses, by name. Each returns the server's JSON as it is. */
export class BackupApi {
  readonly arm: ArmClient;

  constructor(arm: ArmClient) {
    this.arm = arm;
  }

  whoami() {
    return this.arm.get<{ name: string; role: string; subscriptionId?: string; tenantId?: string; machineId?: string }>('/arca/whoami', API_VERSIONS.arca);
  }

  listVaults() {
    return this.arm.list<Resource>('/providers/Microsoft.RecoveryServices/vaults', API_VERSIONS.vaults);
  }
  getVault(v: VaultRef) {
    return this.arm.get<Resource>(vaultPath(v), API_VERSIONS.vaults);
  }
  async createVault(v: VaultRef, location: string) {
    // An existing group is left as it is (it may be in another region); only a missing one is created.
    const group = `/resourceGroups/${v.resourceGroup}`;
    const exists = await this.arm.get(group, API_VERSIONS.resources).then(
      () => true,
      (error: unknown) => {
        if ((error as { code?: string }).code === 'ResourceGroupNotFound' || (error as { code?: string }).code === 'ResourceNotFound') return false;
        throw error;
      },
    );
    if (!exists) await this.arm.call('PUT', group, API_VERSIONS.resources, { body: { location } });
    return (await this.arm.call('PUT', vaultPath(v), API_VERSIONS.vaults, { body: { location, sku: { name: 'Standard' }, properties: {} } })).body as Resource;
  }
  async deleteVault(v: VaultRef) {
    await this.arm.call('DELETE', vaultPath(v), API_VERSIONS.vaults);
  }

  listPolicies(v: VaultRef) {
    return this.arm.list<Resource>(`${vaultPath(v)}/backupPolicies`, API_VERSIONS.backup);
  }
  getPolicy(v: VaultRef, name: string) {
    return this.arm.get<Resource>(`${vaultPath(v)}/backupPolicies/${name}`, API_VERSIONS.backup);
  }
  async putPolicy(v: VaultRef, name: string, properties: Record<string, unknown>) {
    return (await this.arm.call('PUT', `${vaultPath(v)}/backupPolicies/${name}`, API_VERSIONS.backup, { body: { properties } })).body as Resource;
  }
  async deletePolicy(v: VaultRef, name: string) {
    await this.arm.call('DELETE', `${vaultPath(v)}/backupPolicies/${name}`, API_VERSIONS.backup);
  }

  listVms() {
    return this.arm.list<Resource>('/providers/Microsoft.Compute/virtualMachines', API_VERSIONS.compute);
  }
  getVm(resourceGroup: string, vm: string) {
    return this.arm.get<Resource>(vmPath(resourceGroup, vm), API_VERSIONS.compute);
  }
  instanceView(resourceGroup: string, vm: string) {
    return this.arm.get<Record<string, unknown>>(`${vmPath(resourceGroup, vm)}/instanceView`, API_VERSIONS.compute);
  }

  listProtectedItems(v: VaultRef) {
    return this.arm.list<Resource>(`${vaultPath(v)}/backupProtectedItems`, API_VERSIONS.backup, { $filter: "backupManagementType eq 'AzureIaasVM'" });
  }
  getProtectedItem(v: VaultRef, resourceGroup: string, vm: string) {
    return this.arm.get<Resource>(itemPath(v, resourceGroup, vm), API_VERSIONS.backup);
  }
  /** PUT of the protected item: enable, modify, stop keeping data, resume, undelete (202 or 200). */
  async putProtectedItem(v: VaultRef, resourceGroup: string, vm: string, properties: Record<string, unknown>, wait: WaitOptions) {
    const answer = await this.arm.call('PUT', itemPath(v, resourceGroup, vm), API_VERSIONS.backup, { body: { properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', ...properties } } });
    return this.finish(answer, wait);
  }
  async deleteProtectedItem(v: VaultRef, resourceGroup: string, vm: string, wait: WaitOptions) {
    return this.finish(await this.arm.call('DELETE', itemPath(v, resourceGroup, vm), API_VERSIONS.backup), wait);
  }
  /** POST …/backup; resolves with the operation's status URL, for the caller to follow or not. */
  async backupNow(v: VaultRef, resourceGroup: string, vm: string, expiry?: string) {
    const answer = await this.arm.call('POST', `${itemPath(v, resourceGroup, vm)}/backup`, API_VERSIONS.backup, {
      body: { properties: { objectType: 'IaasVMBackupRequest', ...(expiry ? { recoveryPointExpiryTimeInUTC: expiry } : {}) } },
    });
    return ArmClient.operationUrl(answer);
  }

  listJobs(v: VaultRef, filter?: string) {
    return this.arm.list<Resource<JobProperties>>(`${vaultPath(v)}/backupJobs`, API_VERSIONS.backup, filter ? { $filter: filter } : undefined);
  }
  getJob(v: VaultRef, job: string) {
    return this.arm.get<Resource<JobProperties>>(`${vaultPath(v)}/backupJobs/${job}`, API_VERSIONS.backup);
  }
  async cancelJob(v: VaultRef, job: string) {
    return ArmClient.operationUrl(await this.arm.call('POST', `${vaultPath(v)}/backupJobs/${job}/cancel`, API_VERSIONS.backup));
  }

  listPoints(v: VaultRef, resourceGroup: string, vm: string, filter?: string) {
    return this.arm.list<Resource>(`${itemPath(v, resourceGroup, vm)}/recoveryPoints`, API_VERSIONS.backup, filter ? { $filter: filter } : undefined);
  }
  validateRestore(v: VaultRef, pointId: string, restoreRequest: Record<string, unknown>) {
    return this.arm.call('POST', `${vaultPath(v)}/backupValidateOperation`, API_VERSIONS.backup, {
      body: { id: pointId, properties: { objectType: 'ValidateIaasVMRestoreOperationRequest', restoreRequest } },
    });
  }
  async restore(v: VaultRef, resourceGroup: string, vm: string, point: string, restoreRequest: Record<string, unknown>) {
    return ArmClient.operationUrl(await this.arm.call('POST', `${itemPath(v, resourceGroup, vm)}/recoveryPoints/${point}/restore`, API_VERSIONS.backup, { body: { properties: restoreRequest } }));
  }

  listLocks(resourceGroup: string) {
    return this.arm.list<Resource>(`/resourceGroups/${resourceGroup}/providers/Microsoft.Authorization/locks`, API_VERSIONS.locks);
  }
  async putLock(resourceGroup: string, name: string, level: string, notes?: string) {
    return (await this.arm.call('PUT', `/resourceGroups/${resourceGroup}/providers/Microsoft.Authorization/locks/${name}`, API_VERSIONS.locks, { body: { properties: { level, ...(notes ? { notes } : {}) } } })).body as Resource;
  }
  async deleteLock(resourceGroup: string, name: string) {
    await this.arm.call('DELETE', `/resourceGroups/${resourceGroup}/providers/Microsoft.Authorization/locks/${name}`, API_VERSIONS.locks);
  }

  async createRegistrationToken(machineId: string, expiresInMinutes?: number) {
    const answer = await this.arm.call('POST', '/arca/registrationTokens', API_VERSIONS.arca, { body: { machineId, ...(expiresInMinutes ? { expiresInMinutes } : {}) } });
    return answer.body as { id: string; machineId: string; expires: string; secret: string; caFingerprint?: string };
  }

  /** A registration token for a machine that does not exist yet: its agent's registration creates the VM. */
  async createRegistrationTokenForNewVm(vm: { resourceGroup: string; vmName: string; location?: string }, expiresInMinutes?: number) {
    const body = { resourceGroup: vm.resourceGroup, vmName: vm.vmName, ...(vm.location ? { location: vm.location } : {}), ...(expiresInMinutes ? { expiresInMinutes } : {}) };
    const answer = await this.arm.call('POST', '/arca/registrationTokens', API_VERSIONS.arca, { body });
    return answer.body as { id: string; machineId: string; expires: string; secret: string; caFingerprint?: string; vm: { id: string; resourceGroup: string; name: string; location: string } };
  }

  /** A 202's operation followed to its end; a synchronous answer is returned as a finished operation. */
  private async finish(answer: Awaited<ReturnType<ArmClient['call']>>, wait: WaitOptions): Promise<OperationStatus | Resource> {
    const url = ArmClient.operationUrl(answer);
    if (url === undefined) return answer.body as Resource;
    return this.arm.waitForOperation(url, wait);
  }
}
