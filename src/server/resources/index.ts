import type { FastifyInstance } from 'fastify';
import type { ArmDeps } from '../arm/index.ts';
import { registerKeyVaultRoutes } from './key-vaults.ts';
import { registerLockRoutes } from './management-locks.ts';
import { registerPublicIpAddressRoutes } from './public-ip-addresses.ts';
import { registerQuotaRoutes } from './quotas.ts';
import { registerStorageAccountRoutes } from './storage-accounts.ts';
import { registerVirtualMachineRoutes } from './virtual-machines.ts';
import { registerVirtualNetworkRoutes } from './virtual-networks.ts';

export { checkNewVirtualMachine, createAgentVirtualMachine, type AgentReportedMachine, type IntendedVirtualMachine } from './agent-created-vm.ts';
export { BACKUP_KEY_VAULT_PERMISSIONS, keyVaultGrants, missingGrants, type KeyVaultGrants } from './key-vault-policies.ts';
export { createPublicIpWithLabel, dnsLabelAvailable } from './public-ip-addresses.ts';
export { resourceGroupQuotaExceeded, resourceGroupVmUsage, type GroupUsage } from './quota-store.ts';
export { getStorageAccount, type StorageAccountRecord } from './storage-accounts.ts';
export { getSubnet, getVirtualNetwork, type SubnetEntry, type VirtualNetworkRecord } from './virtual-network-model.ts';
export {
  countVirtualMachines,
  getVirtualMachine,
  putVirtualMachineRuntime,
  saveVirtualMachine,
  setVirtualMachineProvisioningState,
  virtualMachineIndex,
  type VmRuntimeUpdate,
} from './virtual-machines-store.ts';

/** The resources backup depends on, beyond resource groups: VMs, locks, key vaults, storage, networks, DNS labels, quotas. */
export function registerResourceRoutes(app: FastifyInstance, deps: ArmDeps): void {
  registerVirtualMachineRoutes(app, deps);
  registerLockRoutes(app, deps);
  registerKeyVaultRoutes(app, deps);
  registerStorageAccountRoutes(app, deps);
  registerVirtualNetworkRoutes(app, deps);
  registerPublicIpAddressRoutes(app, deps);
  registerQuotaRoutes(app, deps);
}
