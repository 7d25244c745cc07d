import { parseResourceId, restorePointId } from '../../core/ids/index.ts';
import { bumpIncarnation } from '../agents/index.ts';
import { checkLocks, resourceKey } from '../arm/index.ts';
import type { MetadataStore } from '../persistence/index.ts';
import { deleteInstantPoint, RESTORE_POINTS, type InstantPointRecord } from '../points/index.ts';
import { isLockRefusal, type InstantTier } from './point-release.ts';

/**
 * The instant tier on the metadata store: a snapshot leaves its collection when its restore point
 * record is deleted, unless a lock on the point, its collection or their resource group forbids it;
 * the machine's goal state then lists the point so that its agent deletes the snapshot files.
 */
export function storeInstantTier(store: MetadataStore): InstantTier {
  return {
    async remove(point) {
      const snapshot = point.arca.instant;
      if (snapshot === undefined) return 'removed';
      const id = restorePointId(parseResourceId(snapshot.collectionId), snapshot.pointName);
      try {
        return await store.transaction(async (operations): Promise<'removed'> => {
          await checkLocks(operations, id, 'delete', `deleting the expired restore point ${snapshot.pointName}`);
          const record = await operations.get<InstantPointRecord>(RESTORE_POINTS, resourceKey(id));
          if (record === undefined) return 'removed';
          await deleteInstantPoint(operations, record);
          const snapshots = record.data.properties.snapshots;
          await bumpIncarnation(operations, record.data.arca.vmId, [{ collectionId: snapshot.collectionId, pointName: snapshot.pointName, snapshots }]);
          return 'removed';
        });
      } catch (error) {
        if (isLockRefusal(error)) return 'locked';
        throw error;
      }
    },
  };
}
