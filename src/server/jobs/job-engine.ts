import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { isConflictError, type MetadataStore } from '../persistence/index.ts';
import { JobRun, type JobHandler, type JobOutcome } from './job-context.ts';
import type { StoredError } from './job-record.ts';
import { leaseAndClaim, retryLater, settleJob, type Ending } from './job-settle.ts';
import { EngineStoppingSignal, JobCancelledSignal, LeaseLostError } from './job-signals.ts';
import { flagExcessiveJobs } from './excessive-duration.ts';

export interface EngineLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface JobEngineDeps {
  readonly store: MetadataStore;
  readonly clock: Clock;
  /** Names this replica's leases; a fresh one per engine when absent. */
  readonly workerId?: string;
  /** How long a lease lasts without renewal (default 60 s); a dead replica's jobs wait this long. */
  readonly leaseMs?: number;
  /** Time between looks at the queue when it was empty (default 1 s). */
  readonly pollMs?: number;
  /** false: nothing runs by itself, `runNext()` and `checkDurations()` do the work (for tests and tools). */
  readonly poll?: boolean;
  /** Jobs run at once by this replica (default 4). */
  readonly concurrency?: number;
  /** Tries of a job whose failures the catalog marks retryable (default 3). */
  readonly maxTries?: number;
  /** Leases of one job, interruptions included, before it is given up (default 10). */
  readonly maxLeases?: number;
  /** Wait before the first retry, doubled at each one (default 30 s, at most 10 min). */
  readonly backoffMs?: number;
  /** Time between checks for jobs running too long (default 5 min). */
  readonly durationCheckMs?: number;
  /** How long stop() waits for handlers to reach a safe point (default 30 s). */
  readonly stopTimeoutMs?: number;
  readonly log?: EngineLog;
}

/** What one lease of the queue came to. */
export type RunResult =
  | { readonly jobId: string; readonly result: 'finished'; readonly status: string }
  | { readonly jobId: string; readonly result: 'retry' | 'released' | 'lease-lost' | 'orphan' };

type ResolvedDeps = Required<Omit<JobEngineDeps, 'log'>> & { readonly log: EngineLog };

const silent: EngineLog = { warn: () => {}, error: () => {} };

/**
 * Runs queued jobs: leases an entry, dispatches it to the handler registered for its kind, renews
 * the lease while the handler runs, and settles the job (record and queue in one transaction).
 * Status changes all go through the core machines (see job-changes.ts). Several engines, in one
 * process or in several replicas, share one queue; a replica that dies stops renewing and another
 * takes its jobs over once their leases expire.
 */
export class JobEngine {
  readonly #handlers = new Map<string, JobHandler>();
  /** Kinds whose handlers finish at once: run beside the `concurrency` others, never queued behind them. */
  readonly #immediate = new Set<string>();
  readonly #runs = new Map<string, { run: JobRun; done: Promise<RunResult> }>();
  #deps: ResolvedDeps | undefined;
  #timers: NodeJS.Timeout[] = [];
  #pumpTimer: NodeJS.Timeout | undefined;
  #pumping = false;
  #stopping = false;

  /**
   * `immediate`: the handler finishes at once (no I/O outside the store); such jobs run even while
   * `concurrency` long jobs are running, and `runImmediate()` runs them on demand. Queue them with
   * `READY_FIRST` so that they head the queue.
   */
  register(kind: string, handler: JobHandler, options: { readonly immediate?: boolean } = {}): void {
    if (this.#handlers.has(kind)) throw new Error(`a handler for ${kind} jobs is registered already`);
    this.#handlers.set(kind, handler);
    if (options.immediate) this.#immediate.add(kind);
  }

  /**
   * Runs the immediate jobs at the head of the queue now, and waits for those this engine is running,
   * so that a caller that just queued one (a protection change) answers once it has finished. Does
   * nothing before start or while stopping; another replica may have taken the job, which is as good.
   */
  async runImmediate(): Promise<void> {
    if (!this.#deps || this.#stopping) return;
    const accept = (kind: string) => this.#immediate.has(kind);
    for (;;) {
      const started = await this.leaseAndStart(accept);
      if (started === undefined) break;
      await started.done;
    }
    await Promise.allSettled([...this.#runs.values()].filter(({ run }) => accept(run.kind)).map(({ done }) => done));
  }

  start(deps: JobEngineDeps): void {
    if (this.#deps) throw new Error('the job engine is started already');
    this.#deps = {
      workerId: `worker-${randomUUID()}`,
      leaseMs: 60_000,
      pollMs: 1000,
      poll: true,
      concurrency: 4,
      maxTries: 3,
      maxLeases: 10,
      backoffMs: 30_000,
      durationCheckMs: 300_000,
      stopTimeoutMs: 30_000,
      log: silent,
      ...deps,
    };
    this.#stopping = false;
    if (!this.#deps.poll) return;
    this.schedulePump(0);
    const { durationCheckMs, leaseMs } = this.#deps;
    this.#timers.push(setInterval(() => void this.checkDurations().catch((error: unknown) => this.deps.log.error({ err: error }, 'job duration check failed')), durationCheckMs));
    this.#timers.push(setInterval(() => this.renewAll(), Math.max(1000, Math.floor(leaseMs / 3))));
    for (const timer of this.#timers) timer.unref();
  }

  get workerId(): string {
    return this.deps.workerId;
  }

  /** Jobs this engine is running now, by queue id. */
  get running(): readonly string[] {
    return [...this.#runs.keys()];
  }

  /**
   * Stops leasing, asks running handlers to stop at their next safe point and hands their jobs back
   * to the queue. A handler that does not get there in time keeps its lease until it expires; the
   * record is consistent either way, since every write of it is one atomic step.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const timer of this.#timers) clearTimeout(timer);
    clearTimeout(this.#pumpTimer);
    this.#timers = [];
    if (!this.#deps) return;
    for (const { run } of this.#runs.values()) run.stop();
    const all = Promise.allSettled([...this.#runs.values()].map(({ done }) => done));
    let timeout: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timeout = setTimeout(resolve, this.deps.stopTimeoutMs);
      timeout.unref();
    });
    await Promise.race([all, late]);
    clearTimeout(timeout);
    this.#deps = undefined;
  }

  /** Leases one ready job and runs it to its end; undefined when none is ready or the engine is stopping. */
  async runNext(): Promise<RunResult | undefined> {
    const started = await this.leaseAndStart();
    return started === undefined ? undefined : await started.done;
  }

  /** Flags running jobs that have run too long (12 h backup, 6 h restore) by the engine's clock. */
  async checkDurations(): Promise<number> {
    return flagExcessiveJobs(this.deps.store, this.deps.clock.now());
  }

  private get deps(): ResolvedDeps {
    if (!this.#deps) throw new Error('the job engine is not started');
    return this.#deps;
  }

  private schedulePump(delayMs: number): void {
    clearTimeout(this.#pumpTimer);
    this.#pumpTimer = setTimeout(() => void this.pump(), delayMs);
    this.#pumpTimer.unref();
  }

  private async pump(): Promise<void> {
    if (this.#stopping || !this.#deps || this.#pumping) return;
    this.#pumping = true;
    try {
      while (!this.#stopping) {
        // At capacity only immediate jobs are taken: they must not wait hours behind long backups.
        const full = this.#runs.size >= this.deps.concurrency;
        const started = await this.leaseAndStart(full ? (kind) => this.#immediate.has(kind) : undefined);
        if (started === undefined) break;
        // Each ending makes room for the next job at once, without waiting for the poll.
        started.done.then(
          () => !this.#stopping && this.schedulePump(0),
          (error: unknown) => this.#deps?.log.error({ err: error }, 'a job run failed to settle; its lease will expire and it runs again'),
        );
      }
    } catch (error) {
      this.deps.log.error({ err: error }, 'leasing a job failed');
    } finally {
      this.#pumping = false;
    }
    if (!this.#stopping) this.schedulePump(this.deps.pollMs);
  }

  private renewAll(): void {
    for (const { run } of this.#runs.values()) {
      run.renewIfDue().catch((error: unknown) => this.deps.log.warn({ err: error, job: run.jobName }, 'lease renewal failed'));
    }
  }

  private async leaseAndStart(accept?: (kind: string) => boolean): Promise<{ readonly done: Promise<RunResult> } | undefined> {
    if (this.#stopping) return undefined;
    const { store, clock, workerId, leaseMs } = this.deps;
    const claim = await leaseAndClaim(store, workerId, leaseMs, clock.now(), accept);
    if (claim.kind === 'none') return undefined;
    if (claim.kind === 'orphan') return { done: Promise.resolve({ jobId: claim.leased.id, result: 'orphan' }) };
    const run = new JobRun({ store, clock, leaseMs }, claim.leased, claim.record);
    const done = this.execute(run).finally(() => this.#runs.delete(run.queueId));
    this.#runs.set(run.queueId, { run, done });
    return { done };
  }

  private async execute(run: JobRun): Promise<RunResult> {
    const jobId = run.jobId;
    try {
      const ending = await this.endingOf(run);
      if (ending === 'released') {
        await this.deps.store.release(run.queueId, run.workerId, this.deps.clock.now(), this.deps.clock.now());
        return { jobId, result: 'released' };
      }
      if ('retryAt' in ending) {
        await retryLater(this.deps.store, run.leased, ending.error, ending.retryAt, this.deps.clock.now());
        return { jobId, result: 'retry' };
      }
      const stored = await settleJob(this.deps.store, run.leased, ending, this.deps.clock.now());
      return { jobId, result: 'finished', status: stored.data.properties.status };
    } catch (error) {
      // The queue refuses a lease that expired or was taken with a ConflictError.
      if (error instanceof LeaseLostError || isConflictError(error)) {
        this.deps.log.warn({ job: run.jobName, err: error }, 'job lease lost; another worker has the job');
        return { jobId, result: 'lease-lost' };
      }
      throw error;
    }
  }

  /** Runs the handler, or not at all when the job was cancelled before it started or cannot run. */
  private async endingOf(run: JobRun): Promise<Ending | { retryAt: Date; error: StoredError } | 'released'> {
    const job = run.job();
    if (job.properties.status === 'Cancelling') return { status: 'Cancelled' };
    if (run.attempt > this.deps.maxLeases) return failed('JobInterruptedTooOften', { jobId: job.name, attempts: run.attempt - 1 });
    const handler = this.#handlers.get(run.kind);
    if (handler === undefined) return failed('JobKindNotSupported', { jobId: job.name, kind: run.kind });
    try {
      const outcome: JobOutcome = (await handler(run)) ?? { status: 'Completed' };
      if (outcome.status === 'Failed') return { status: 'Failed', error: outcome.error };
      return outcome.status === 'CompletedWithWarnings' ? { status: 'Completed', warnings: outcome.warnings } : { status: 'Completed' };
    } catch (error) {
      if (error instanceof JobCancelledSignal) return { status: 'Cancelled' };
      if (error instanceof EngineStoppingSignal || (this.#stopping && run.signal.aborted && !(error instanceof LeaseLostError))) return 'released';
      if (error instanceof LeaseLostError) throw error;
      return this.failureEnding(run, error);
    }
  }

  private failureEnding(run: JobRun, thrown: unknown): Ending | { retryAt: Date; error: StoredError } {
    const error = isArcaError(thrown) ? thrown : new ArcaError('ArcaInternalError', { operation: `${run.kind} job`, reference: run.jobName }, { cause: thrown });
    if (!isArcaError(thrown)) this.deps.log.error({ err: thrown, job: run.jobName }, 'job handler failed unexpectedly');
    const stored: StoredError = { code: error.code, params: error.params };
    const failures = run.job().arca.failures + 1;
    if (!error.retryable || failures >= this.deps.maxTries) return { status: 'Failed', error: stored };
    const wait = Math.min(this.deps.backoffMs * 2 ** (failures - 1), 600_000);
    return { retryAt: new Date(this.deps.clock.now().getTime() + wait), error: stored };
  }
}

function failed(code: 'JobInterruptedTooOften' | 'JobKindNotSupported', params: StoredError['params']): Ending {
  return { status: 'Failed', error: { code, params } };
}

