import type { Clock } from '../../core/clock.ts';
import type { MetadataStore } from '../persistence/index.ts';
import type { PruneReport } from '../../storage/maintenance/prune.ts';
import { claimPass } from './pass-claims.ts';
import { planBackups, type PlanOutcome } from './plan-backups.ts';
import type { InstantTier } from './point-release.ts';
import { runRetention, type RetentionLog, type RetentionReport } from './retention-pass.ts';
import { purgeSoftDeleted, type PurgeReport } from './soft-delete-purge.ts';
import type { VaultTier } from './vault-tier.ts';

export type SchedulerLog = RetentionLog;

export interface SchedulerDeps {
  readonly store: MetadataStore;
  readonly clock: Clock;
  /** Removes snapshots from restore point collections. */
  readonly instant: InstantTier;
  /** The vault's repository; absent, vault-tier retention, purge of data and prune wait for it. */
  readonly vault?: VaultTier;
  readonly log?: SchedulerLog;
  /** Time between planning ticks (default 1 min). */
  readonly intervalMs?: number;
  /** Time between retention passes, soft-delete purge included (default 1 h). */
  readonly retentionEveryMs?: number;
  /** Time between repository prunes (default 1 day). */
  readonly pruneEveryMs?: number;
  /** Time between waves of starts in one resource group (default 10 min). */
  readonly waveGapMs?: number;
}

export interface TickReport {
  readonly planned: readonly PlanOutcome[];
  /** Present when the retention pass ran in this tick. */
  readonly retention?: RetentionReport;
  readonly purge?: PurgeReport;
  /** Present when a prune ran in this tick. */
  readonly prune?: PruneReport | 'busy';
}

const silent: SchedulerLog = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * The vault's clockwork: every tick plans the scheduled backups that are due (plan-backups.ts); on
 * their own, slower cadences it applies retention and ends soft delete (retention-pass.ts,
 * soft-delete-purge.ts), then prunes the repository. Several schedulers on one store (a restart,
 * replicas) share the work through versioned writes: a slot gets one job, a pass runs once per period.
 * Tests call `tick(now)` with the time they choose; `start()` ticks by the clock.
 */
export class Scheduler {
  readonly #deps: Required<Omit<SchedulerDeps, 'vault'>> & Pick<SchedulerDeps, 'vault'>;
  readonly #missingPolicies = new Set<string>();
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #planning: Promise<unknown> = Promise.resolve();
  #maintaining: Promise<unknown> | undefined;
  #stopped = false;

  constructor(deps: SchedulerDeps) {
    this.#deps = { log: silent, intervalMs: 60_000, retentionEveryMs: 3_600_000, pruneEveryMs: 86_400_000, waveGapMs: 600_000, ...deps };
  }

  /** Ticks every `intervalMs` by the clock; maintenance runs beside planning, so a long prune never delays a backup. */
  start(): void {
    const loop = async () => {
      const now = this.#deps.clock.now();
      await this.plan(now).catch((error: unknown) => this.#deps.log.error({ err: error }, 'planning scheduled backups failed'));
      if (this.#maintaining === undefined && !this.#stopped) {
        this.#maintaining = this.maintain(now)
          .catch((error: unknown) => this.#deps.log.error({ err: error }, 'retention pass failed'))
          .finally(() => (this.#maintaining = undefined));
      }
      if (!this.#stopped) this.#timer = setTimeout(() => void loop(), this.#deps.intervalMs).unref();
    };
    this.#timer = setTimeout(() => void loop(), 0).unref();
  }

  /** Stops ticking, interrupts a prune at its next safe point and waits for the running passes. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#abort.abort();
    await Promise.allSettled([this.#planning, this.#maintaining]);
  }

  /** Plans due backups, then runs whatever periodic pass is due at `now`. */
  async tick(now: Date): Promise<TickReport> {
    const planned = await this.plan(now);
    return { planned, ...(await this.maintain(now)) };
  }

  /** Planning calls run one at a time (a tick and the timer never interleave in one scheduler). */
  private plan(now: Date): Promise<PlanOutcome[]> {
    const run = this.#planning.then(() =>
      planBackups(this.#deps.store, now, { waveGapMs: this.#deps.waveGapMs, log: this.#deps.log, missingPolicies: this.#missingPolicies }),
    );
    this.#planning = run.catch(() => undefined);
    return run;
  }

  private async maintain(now: Date): Promise<Omit<TickReport, 'planned'>> {
    const { store, retentionEveryMs, pruneEveryMs, vault, instant, log } = this.#deps;
    let result: Omit<TickReport, 'planned'> = {};
    if (!this.#stopped && (await claimPass(store, 'retention', now, retentionEveryMs))) {
      const deps = { store, instant, log, ...(vault ? { vault } : {}) };
      const retention = await runRetention(deps, now);
      const purge = await purgeSoftDeleted(deps, now);
      result = { retention, purge };
    }
    // A new vault has nothing to prune: its first prune comes a period after its first start.
    if (vault !== undefined && !this.#stopped && (await claimPass(store, 'prune', now, pruneEveryMs, true))) {
      const prune = await vault.prune(this.#abort.signal);
      if (prune === 'busy') log.info({}, 'repository prune skipped: another prune holds the lease');
      else log.info({ packsDeleted: prune.packsDeleted, bytesFreed: prune.bytesFreed, waiting: prune.waiting.length }, 'repository pruned');
      result = { ...result, prune };
    }
    return result;
  }
}
