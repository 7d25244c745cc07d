import { ArcaError } from '../../core/errors/index.ts';
import type { MetadataOperations, StoredRecord } from '../persistence/index.ts';
import { VIRTUAL_MACHINES, type VirtualMachineRecord } from '../resources/virtual-machine-model.ts';

/** The VM whose `vmId` is the agent's machine id (VM records are indexed by it), or ResourceNotFound. */
export async function vmOfMachine(store: MetadataOperations, machineId: string): Promise<StoredRecord<VirtualMachineRecord>> {
  const page = await store.list<VirtualMachineRecord>(VIRTUAL_MACHINES, { where: [{ field: 'vmId', op: 'eq', value: machineId.toLowerCase() }], limit: 2 });
  const [record] = page.records;
  if (record === undefined || page.records.length > 1) throw new ArcaError('ResourceNotFound', { resourceId: `the virtual machine whose vmId is ${machineId.slice(0, 64)}` });
  return record;
}
