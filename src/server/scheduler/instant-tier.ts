import { parseResourceId, restorePointId } from '../../core/ids/index.ts';
import { resourceKey } from '../arm/index.ts';
import type { MetadataStore } from '../persistence/index.ts';
import { removeInstantPoints, RESTORE_POINTS, type InstantPointRecord } from '../points/index.ts';
import type { InstantTier } from './point-release.ts';

/**
 * The instant tier on the metadata store: a snapshot leaves its collection through
 * points/`removeInstantPoints` (lock check, restore point record, the machine's goal state), in one
 * transaction; 'locked' leaves everything as it was.
 */
export function storeInstantTier(store: MetadataStore): InstantTier {
  return {
    async remove(point, now) {
      const snapshot = point.arca.instant;
      if (snapshot === undefined) return 'removed';
      const id = restorePointId(parseResourceId(snapshot.collectionId), snapshot.pointName);
      return store.transaction(async (operations) => {
        const record = await operations.get<InstantPointRecord>(RESTORE_POINTS, resourceKey(id));
        if (record === undefined) return 'removed';
        const { locked } = await removeInstantPoints(operations, [record], { now, operation: () => `deleting the expired restore point ${snapshot.pointName}` });
        return locked ? 'locked' : 'removed';
      });
    },
  };
}
