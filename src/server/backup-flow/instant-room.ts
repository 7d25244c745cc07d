import { checkRestorePointCapacity } from '../../core/limits.ts';
import type { StoredError } from '../jobs/index.ts';
import type { MetadataOperations } from '../persistence/index.ts';
import { ensureInstantCollection, instantPointsOfVm, removeInstantPoints, type InstantCollection } from '../points/index.ts';
import type { VirtualMachineRecord } from '../resources/virtual-machine-model.ts';

export interface InstantRoom {
  readonly collection: InstantCollection;
  /** BackUpOperationFailedV2 when expired points could not be deleted but room was left. */
  readonly warnings: readonly StoredError[];
}

/**
 * Makes room in the instant tier before a snapshot (ADR 5): expired points (past the policy's
 * instant retention) are deleted except the newest one, unless a lock on the collection's resource
 * group refuses (points/instant-point-removal.ts); the agent learns through its goal state to remove
 * their files. If the VM still holds 18 points, UserErrorRpCollectionLimitReached; if only the
 * deletion was refused, the backup goes on with BackUpOperationFailedV2 as a warning.
 */
export async function makeInstantRoom(store: MetadataOperations, vm: VirtualMachineRecord, now: Date): Promise<InstantRoom> {
  const collection = await ensureInstantCollection(store, vm);
  const points = await instantPointsOfVm(store, vm.id);
  const newest = points.at(-1);
  const expired = points.filter((point) => point !== newest && Date.parse(point.data.arca.expiresAt) <= now.getTime());
  const { locked } = await removeInstantPoints(store, expired, { now, operation: (point) => `deleting the expired restore point ${point.name} of ${vm.name}` });
  // Counted again: retention may have removed some meanwhile.
  const left = expired.length === 0 ? points.length : (await instantPointsOfVm(store, vm.id)).length;
  checkRestorePointCapacity(left, { vmName: vm.name, resourceGroup: collection.resourceGroup });
  const warnings = locked ? [{ code: 'BackUpOperationFailedV2', params: { vmName: vm.name, resourceGroup: collection.resourceGroup } }] : [];
  return { collection, warnings };
}
