import { isConflictError, type MetadataStore } from '../persistence/index.ts';

/**
 * When each periodic pass last ran (collection `scheduler-passes`, one record per pass), shared by
 * every replica: a pass runs when its period has elapsed and this scheduler wins the versioned write
 * that records it, so replicas take turns instead of working twice, and a restart does not reset
 * the cadence.
 */
export const SCHEDULER_PASSES = 'scheduler-passes';

export interface PassRecord {
  readonly lastRunAt: string;
}

/**
 * True when this caller should run the pass now (and has recorded that it does). `waitFirst`: on a
 * new vault the first run comes one period after the first look, not at once.
 */
export async function claimPass(store: MetadataStore, pass: string, now: Date, everyMs: number, waitFirst = false): Promise<boolean> {
  try {
    return await store.transaction(async (operations) => {
      const current = await operations.get<PassRecord>(SCHEDULER_PASSES, pass);
      if (current !== undefined && now.getTime() - Date.parse(current.data.lastRunAt) < everyMs) return false;
      await operations.put<PassRecord>(SCHEDULER_PASSES, { id: pass, data: { lastRunAt: now.toISOString() } }, { expectedVersion: current?.version ?? 0 });
      return current !== undefined || !waitFirst;
    });
  } catch (error) {
    if (isConflictError(error)) return false;
    throw error;
  }
}
