import { parseResourceId } from '../../core/ids/index.ts';
import { resourceKey } from '../arm/index.ts';
import type { Filter, IndexValues, MetadataOperations, Page, StoredRecord } from '../persistence/index.ts';
import { RECOVERY_POINTS, type RecoveryPointRecord } from './recovery-point-model.ts';

/** Reads and writes of the `recovery-points` collection (see recovery-point-model.ts). */
export function recoveryPointIndex(point: RecoveryPointRecord): IndexValues {
  const vault = parseResourceId(point.arca.vaultId);
  return {
    subscription: vault.subscriptionId.toLowerCase(),
    resourceGroup: (vault.resourceGroup ?? '').toLowerCase(),
    vault: point.arca.vaultId.toLowerCase(),
    item: point.arca.itemId.toLowerCase(),
    time: point.arca.time,
  };
}

export function getRecoveryPoint(store: MetadataOperations, pointId: string): Promise<StoredRecord<RecoveryPointRecord> | undefined> {
  return store.get<RecoveryPointRecord>(RECOVERY_POINTS, resourceKey(pointId));
}

/** Writes a point with its index; `expectedVersion` 0 creates only. */
export function saveRecoveryPoint(store: MetadataOperations, point: RecoveryPointRecord, expectedVersion?: number): Promise<StoredRecord<RecoveryPointRecord>> {
  return store.put<RecoveryPointRecord>(RECOVERY_POINTS, { id: resourceKey(point.id), data: point, index: recoveryPointIndex(point) }, expectedVersion === undefined ? {} : { expectedVersion });
}

export interface PointWindow {
  /** Inclusive bounds on the point's time, ISO UTC. */
  readonly start?: string;
  readonly end?: string;
}

function itemFilters(itemId: string, window: PointWindow): Filter[] {
  return [
    { field: 'item', op: 'eq', value: itemId.toLowerCase() },
    ...(window.start === undefined ? [] : [{ field: 'time', op: 'ge' as const, value: window.start }]),
    ...(window.end === undefined ? [] : [{ field: 'time', op: 'le' as const, value: window.end }]),
  ];
}

/** One page of an item's points, newest first, as Azure lists them. */
export function pageRecoveryPoints(
  store: MetadataOperations,
  itemId: string,
  window: PointWindow,
  paging: { limit?: number; continuation?: string } = {},
): Promise<Page<RecoveryPointRecord>> {
  return store.list<RecoveryPointRecord>(RECOVERY_POINTS, { where: itemFilters(itemId, window), orderBy: { field: 'time', direction: 'desc' }, ...paging });
}

/** Every point of the item, newest first (paged through, so any number). */
export async function recoveryPointsOfItem(store: MetadataOperations, itemId: string, window: PointWindow = {}): Promise<StoredRecord<RecoveryPointRecord>[]> {
  const all: StoredRecord<RecoveryPointRecord>[] = [];
  let continuation: string | undefined;
  do {
    const page = await pageRecoveryPoints(store, itemId, window, { limit: 1000, ...(continuation ? { continuation } : {}) });
    all.push(...page.records);
    continuation = page.continuation;
  } while (continuation);
  return all;
}
