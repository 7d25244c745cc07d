import {
  formatResourceId,
  formatRestorePointCollectionName,
  formatRestorePointResourceGroupName,
  parseResourceId,
  RESOURCE_TYPES,
  resourceGroupId,
  restorePointCollectionId,
  restorePointId,
} from '../../core/ids/index.ts';
import type { Consistency } from '../../core/states/index.ts';
import { isConflictError, type MetadataOperations, type Page, type StoredRecord } from '../persistence/index.ts';
import { normalizeLocation, RESOURCE_GROUPS, resourceKey, scopeIndex, type ArmResource } from '../arm/index.ts';
import type { VirtualMachineRecord } from '../resources/virtual-machine-model.ts';

/**
 * The instant-restore tier as resources (ADR 5): each VM's snapshots are restore points in the
 * collection `AzureBackupRG_<vm>_1`, kept in resource group `AzureBackupRG_<region>_1`. Both are
 * real records, created by the first backup (or adopted when someone created the group first), so
 * a lock on the group really blocks the cleanup of expired points.
 */
export const RESTORE_POINT_COLLECTIONS = 'restore-point-collections';
export const RESTORE_POINTS = 'restore-points';

export interface RestorePointProperties {
  readonly consistencyMode: Consistency;
  readonly timeCreated: string;
  readonly provisioningState: 'Succeeded';
  readonly sourceMetadata: { readonly vmId: string };
  readonly snapshots: readonly { readonly disk: string; readonly path: string }[];
}

export interface InstantPointRecord extends ArmResource<RestorePointProperties> {
  readonly arca: { readonly vmId: string; readonly collectionId: string; readonly expiresAt: string; readonly recoveryPointId: string };
}

export interface InstantCollection {
  readonly collectionId: string;
  /** The group the collection lives in, whose locks guard its points. */
  readonly resourceGroup: string;
}

async function ensureRecord(store: MetadataOperations, collection: string, id: string, data: ArmResource, extra: Record<string, string> = {}): Promise<void> {
  if (await store.get(collection, resourceKey(id))) return;
  try {
    await store.put(collection, { id: resourceKey(id), data, index: scopeIndex(parseResourceId(id), extra) }, { expectedVersion: 0 });
  } catch (error) {
    // Another backup created it meanwhile: adopt it.
    if (!isConflictError(error)) throw error;
  }
}

/** A collection's deletion under way (see collection-deletion.ts), recorded after each batch of points. */
export interface CollectionDeletion {
  /** The DeleteRestorePointCollection job and the operation the DELETE answered with. */
  readonly jobId: string;
  readonly operationId: string;
  readonly startedAt: string;
  /** Points removed so far and the batches that removed them. */
  readonly removedPoints: number;
  readonly batches: number;
}

export interface RestorePointCollectionRecord extends ArmResource<{ readonly source: { readonly id: string }; readonly provisioningState: string }> {
  readonly arca?: { readonly deletion?: CollectionDeletion };
}

/** Collections a VM may use before giving up: n counts past those being deleted. */
const MAX_COLLECTION_INDEX = 20;

/**
 * The VM's collection and its group, created when missing: `AzureBackupRG_<vm>_1`, or the next
 * index while a collection is being deleted (its points go, new ones must not join them).
 */
export async function ensureInstantCollection(store: MetadataOperations, vm: VirtualMachineRecord): Promise<InstantCollection> {
  const vmId = parseResourceId(vm.id);
  const region = normalizeLocation(vm.location ?? '');
  const resourceGroup = formatRestorePointResourceGroupName(region, 1);
  const scope = { subscriptionId: vmId.subscriptionId, resourceGroup };
  const groupId = formatResourceId(resourceGroupId(scope));
  await ensureRecord(store, RESOURCE_GROUPS, groupId, { id: groupId, name: resourceGroup, type: 'Microsoft.Resources/resourceGroups', location: region, properties: { provisioningState: 'Succeeded' } });
  for (let index = 1; ; index++) {
    const name = formatRestorePointCollectionName(vm.name, index);
    const collectionId = formatResourceId(restorePointCollectionId(scope, name));
    const existing = await store.get<RestorePointCollectionRecord>(RESTORE_POINT_COLLECTIONS, resourceKey(collectionId));
    if (existing?.data.arca?.deletion !== undefined && index < MAX_COLLECTION_INDEX) continue;
    await ensureRecord(
      store,
      RESTORE_POINT_COLLECTIONS,
      collectionId,
      { id: collectionId, name, type: RESOURCE_TYPES.restorePointCollection, location: region, properties: { source: { id: vm.id }, provisioningState: 'Succeeded' } },
      { vm: vm.id.toLowerCase() },
    );
    return { collectionId, resourceGroup };
  }
}

/** One page of a collection's points, oldest first. */
export function pageCollectionPoints(store: MetadataOperations, collectionId: string, paging: { limit?: number; continuation?: string } = {}): Promise<Page<InstantPointRecord>> {
  return store.list<InstantPointRecord>(RESTORE_POINTS, { where: [{ field: 'collection', op: 'eq', value: collectionId.toLowerCase() }], orderBy: { field: 'time' }, ...paging });
}

/** The VM's instant points across its collections, oldest first. */
export async function instantPointsOfVm(store: MetadataOperations, vmId: string): Promise<StoredRecord<InstantPointRecord>[]> {
  const all: StoredRecord<InstantPointRecord>[] = [];
  let continuation: string | undefined;
  do {
    const page = await store.list<InstantPointRecord>(RESTORE_POINTS, { where: [{ field: 'vm', op: 'eq', value: vmId.toLowerCase() }], orderBy: { field: 'time' }, limit: 1000, ...(continuation ? { continuation } : {}) });
    all.push(...page.records);
    continuation = page.continuation;
  } while (continuation);
  return all;
}

export function newInstantPoint(input: {
  collectionId: string;
  pointName: string;
  vmId: string;
  machineId: string;
  location: string;
  consistency: Consistency;
  time: string;
  expiresAt: string;
  snapshots: readonly { disk: string; path: string }[];
  recoveryPointId: string;
}): InstantPointRecord {
  const id = formatResourceId(restorePointId(parseResourceId(input.collectionId), input.pointName));
  return {
    id,
    name: input.pointName,
    type: RESOURCE_TYPES.restorePoint,
    location: input.location,
    properties: { consistencyMode: input.consistency, timeCreated: input.time, provisioningState: 'Succeeded', sourceMetadata: { vmId: input.machineId }, snapshots: input.snapshots },
    arca: { vmId: input.vmId, collectionId: input.collectionId, expiresAt: input.expiresAt, recoveryPointId: input.recoveryPointId },
  };
}

export function saveInstantPoint(store: MetadataOperations, point: InstantPointRecord): Promise<StoredRecord<InstantPointRecord>> {
  return store.put<InstantPointRecord>(RESTORE_POINTS, {
    id: resourceKey(point.id),
    data: point,
    index: scopeIndex(parseResourceId(point.id), { vm: point.arca.vmId.toLowerCase(), collection: point.arca.collectionId.toLowerCase(), time: point.properties.timeCreated }),
  });
}

export function deleteInstantPoint(store: MetadataOperations, record: StoredRecord<InstantPointRecord>): Promise<boolean> {
  return store.delete(RESTORE_POINTS, record.id, { expectedVersion: record.version });
}
