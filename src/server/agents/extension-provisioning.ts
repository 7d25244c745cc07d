import type { ExtensionStatusReport } from '../../protocol/index.ts';
import type { MetadataOperations } from '../persistence/index.ts';
import type { VirtualMachineRecord } from '../resources/virtual-machine-model.ts';
import { setVirtualMachineProvisioningState } from '../resources/virtual-machines-store.ts';

/**
 * What a status report's handler statuses mean for the machine's provisioning state, as in Azure:
 * a handler reporting `error` (its install or enable failed) puts the machine in Failed, and a
 * machine Failed by a handler returns to Succeeded once every handler reports without error.
 * A task that failed is not a handler that failed (the host reports it as a warning).
 * Both moves go through Updating, as the core table wants.
 */
export async function followExtensionHealth(store: MetadataOperations, before: VirtualMachineRecord, reported: readonly ExtensionStatusReport[]): Promise<void> {
  const state = before.properties.provisioningState;
  const failing = reported.some((extension) => extension.status?.status === 'error');
  if (failing && state === 'Succeeded') {
    await setVirtualMachineProvisioningState(store, before.id, 'Updating');
    await setVirtualMachineProvisioningState(store, before.id, 'Failed');
    return;
  }
  const failedByHandler = before.runtime.extensions.some((extension) => extension.status?.status === 'error');
  const healthy = reported.length > 0 && reported.every((extension) => extension.handlerState === 'Enabled' && extension.status?.status !== 'error');
  if (!failing && state === 'Failed' && failedByHandler && healthy) {
    await setVirtualMachineProvisioningState(store, before.id, 'Updating');
    await setVirtualMachineProvisioningState(store, before.id, 'Succeeded');
  }
}
