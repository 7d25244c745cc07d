import { withRetryOnConflict } from '../arm/index.ts';
import type { JobContext, JobEngine } from '../jobs/index.ts';
import type { MetadataStore } from '../persistence/index.ts';
import { planThrough } from './schedule-plans.ts';

/**
 * The jobs Azure shows for protection changes. The protection routes make the change and create the
 * job in one transaction, queued at `READY_FIRST`; these handlers finish at once, so the engine runs
 * them even while it is full of long backups (`immediate`), and the route runs them before it
 * answers (`JobEngine.runImmediate`). Until then the job holds the item, as core's one-operation
 * rule says, which is why they must not wait.
 */
export const PROTECTION_JOB_KINDS = ['ConfigureBackup', 'DisableBackup', 'DeleteBackupData', 'Undelete'] as const;

/** Protection (re)configured: scheduling starts from the change, so a slot missed while stopped does not run now. */
function configureBackup(store: MetadataStore): (context: JobContext) => Promise<void> {
  return async (context) => {
    const configuredAt = new Date(context.job().properties.startTime);
    await withRetryOnConflict(() => planThrough(store, context.itemId, configuredAt));
  };
}

/** The change itself was made by the route; the job records it. */
async function recorded(): Promise<void> {}

export function registerProtectionJobs(engine: JobEngine, store: MetadataStore): void {
  engine.register('ConfigureBackup', configureBackup(store), { immediate: true });
  for (const kind of PROTECTION_JOB_KINDS.filter((k) => k !== 'ConfigureBackup')) engine.register(kind, recorded, { immediate: true });
}
