import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { RecoveryServicesBackupClient } from '@azure/arm-recoveryservicesbackup';
import { RecoveryServicesClient } from '@azure/arm-recoveryservices';
import { createToken, type Role } from '../../src/server/auth/index.ts';
import { SqliteMetadataStore } from '../../src/server/persistence/index.ts';
import { VIRTUAL_MACHINES, type VirtualMachineRecord } from '../../src/server/resources/virtual-machine-model.ts';
import type { ArmTestClient } from './arm-client.ts';

/** The published Azure SDK clients, pointed at a test server and trusting its CA. */
export function sdkClients(arm: ArmTestClient): { backup: RecoveryServicesBackupClient; vaults: RecoveryServicesClient } {
  const credential = { getToken: async () => ({ token: arm.token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
  const options = { endpoint: arm.info.url, tlsOptions: { ca: arm.ca }, retryOptions: { maxRetries: 0 } };
  return {
    backup: new RecoveryServicesBackupClient(credential, arm.info.subscriptionId, options),
    vaults: new RecoveryServicesClient(credential, arm.info.subscriptionId, options),
  };
}

/**
 * Writes records straight into the running server's metadata store (SQLite in WAL mode takes a
 * second process): virtual machines as an agent's registration would create them, and tokens of
 * other roles than the admin's.
 */
export class StoreSeeder {
  readonly #store: SqliteMetadataStore;
  readonly #subscriptionId: string;

  constructor(dataDir: string, subscriptionId: string) {
    this.#store = SqliteMetadataStore.open(join(dataDir, 'metadata.db'));
    this.#subscriptionId = subscriptionId;
  }

  vmId(resourceGroup: string, name: string): string {
    return `/subscriptions/${this.#subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${name}`;
  }

  async virtualMachine(resourceGroup: string, name: string, location: string): Promise<string> {
    const id = this.vmId(resourceGroup, name);
    const disk = { name: `${name}-os`, diskSizeGB: 30, encryption: { type: 'None' as const } };
    const data: VirtualMachineRecord = {
      id,
      name,
      type: 'Microsoft.Compute/virtualMachines',
      location,
      properties: {
        vmId: randomUUID(),
        provisioningState: 'Succeeded',
        hardwareProfile: { vmSize: 'Standard_B2s' },
        storageProfile: { osDisk: { ...disk, osType: 'Linux' }, dataDisks: [] },
        createdBy: 'api',
      },
      runtime: { powerState: 'running', agent: { status: 'Ready' }, extensions: [] },
    };
    const index = { subscription: this.#subscriptionId.toLowerCase(), resourceGroup: resourceGroup.toLowerCase(), location, vmId: data.properties.vmId };
    await this.#store.put(VIRTUAL_MACHINES, { id: id.toLowerCase(), data, index });
    return id;
  }

  async token(role: Role): Promise<string> {
    return (await createToken(this.#store, { name: `test-${role}`, role, now: new Date() })).secret;
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}
