import { resourceKey } from '../arm/index.ts';
import type { MetadataOperations, StoredRecord } from '../persistence/index.ts';

/**
 * How far the scheduler has planned each protected item (collection `schedule-plans`, keyed by the
 * lower-cased item id). Every write carries the version read, so of two schedulers (a restart, a
 * second replica) that find the same slot due exactly one records it, and only that one creates the
 * job, in the same transaction.
 */
export const SCHEDULE_PLANS = 'schedule-plans';

export interface SchedulePlan {
  readonly itemId: string;
  /** Every slot up to this instant is planned (taken, skipped, or from before protection began). */
  readonly plannedThrough: string;
  /** The last slot that got a job, for "one scheduled backup a day" on standard policies. */
  readonly lastJobSlot?: string;
  readonly lastJobId?: string;
}

export function getSchedulePlan(store: MetadataOperations, itemId: string): Promise<StoredRecord<SchedulePlan> | undefined> {
  return store.get<SchedulePlan>(SCHEDULE_PLANS, resourceKey(itemId));
}

/** Writes the plan if its version is still `expectedVersion` (0: none yet); ConflictError otherwise. */
export function saveSchedulePlan(store: MetadataOperations, plan: SchedulePlan, expectedVersion: number): Promise<StoredRecord<SchedulePlan>> {
  return store.put<SchedulePlan>(SCHEDULE_PLANS, { id: resourceKey(plan.itemId), data: plan, index: { item: resourceKey(plan.itemId) } }, { expectedVersion });
}

/**
 * Moves the plan of an item forward to `through` (never back): slots before it will not run. A
 * protection change calls this so that resuming protection does not start a backup for a slot
 * missed while protection was stopped.
 */
export async function planThrough(store: MetadataOperations, itemId: string, through: Date): Promise<void> {
  const current = await getSchedulePlan(store, itemId);
  if (current !== undefined && Date.parse(current.data.plannedThrough) >= through.getTime()) return;
  const plan: SchedulePlan = { ...current?.data, itemId, plannedThrough: through.toISOString() };
  await saveSchedulePlan(store, plan, current?.version ?? 0);
}
