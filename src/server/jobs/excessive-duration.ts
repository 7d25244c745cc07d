import { isConflictError, type MetadataStore } from '../persistence/index.ts';
import { flagExcessiveDuration } from './job-changes.ts';
import { JOBS, type JobDocument } from './job-record.ts';
import { jobIndex } from './job-store.ts';

/**
 * Flags every running job that has run longer than its operation should (12 h for a backup, 6 h
 * for a restore), as of `now`: `excessiveDuration`, a propertyBag entry and the catalog's warning,
 * which the job keeps to its end. Returns how many jobs it flagged. A job written meanwhile by its
 * handler is left for the next check.
 */
export async function flagExcessiveJobs(store: MetadataStore, now: Date): Promise<number> {
  let flagged = 0;
  for (const status of ['InProgress', 'Cancelling']) {
    let continuation: string | undefined;
    do {
      const page = await store.list<JobDocument>(JOBS, { where: [{ field: 'status', op: 'eq', value: status }], limit: 500, ...(continuation ? { continuation } : {}) });
      for (const record of page.records) {
        const next = flagExcessiveDuration(record.data, now);
        if (next === record.data) continue;
        try {
          await store.put<JobDocument>(JOBS, { id: record.id, data: next, index: jobIndex(next) }, { expectedVersion: record.version });
          flagged++;
        } catch (error) {
          if (!isConflictError(error)) throw error;
        }
      }
      continuation = page.continuation;
    } while (continuation !== undefined);
  }
  return flagged;
}
