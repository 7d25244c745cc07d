import type { Clock } from '../../core/clock.ts';
import { isConflictError, type LeasedJob, type MetadataStore, type StoredRecord } from '../persistence/index.ts';
import { formatIsoDuration } from './iso-duration.ts';
import { completeTask, setProgress } from './job-changes.ts';
import { JOBS, type JobDocument, type StoredError } from './job-record.ts';
import { EngineStoppingSignal, JobCancelledSignal, LeaseLostError } from './job-signals.ts';
import { jobIndex } from './job-store.ts';

/** How a handler ends a job; throwing an ArcaError ends it Failed (or retried, when the catalog says retrying helps). */
export type JobOutcome =
  | { readonly status: 'Completed' }
  | { readonly status: 'CompletedWithWarnings'; readonly warnings: readonly StoredError[] }
  | { readonly status: 'Failed'; readonly error: StoredError };

/**
 * What a handler sees of its job. Every method that writes is a safe point: it renews the lease
 * when due and throws (the engine catches it) when the job was cancelled, the engine is stopping or
 * the lease was lost, so a handler that calls them often stops cleanly without further code.
 */
export interface JobContext {
  readonly jobId: string;
  readonly jobName: string;
  readonly kind: string;
  readonly payload: unknown;
  readonly vaultId: string;
  readonly itemId: string;
  readonly vmId: string;
  /** Leases of the job so far, this one included: above 1, the job resumes (see `job().properties.extendedInfo.tasksList`). */
  readonly attempt: number;
  /** Aborted when the engine stops or the lease is lost; pass it to long I/O. */
  readonly signal: AbortSignal;
  now(): Date;
  /** The job as last read or written. */
  job(): JobDocument;
  /** Progress of the running task, 0–100 (starts the task that runs next if none runs). */
  progress(percent: number, options?: { readonly estimatedRemainingMs?: number }): Promise<void>;
  /** Completes the running task. */
  nextTask(): Promise<void>;
  /** Sets a `propertyBag` entry shown with the job. */
  setProperty(name: string, value: string): Promise<void>;
  /** A safe point that writes nothing. */
  checkpoint(): Promise<void>;
}

export type JobHandler = (context: JobContext) => Promise<JobOutcome | void>;

const MAX_WRITE_TRIES = 10;

/** One lease of one job: the record as this worker last wrote it, and the lease it renews. */
export class JobRun implements JobContext {
  readonly #store: MetadataStore;
  readonly #clock: Clock;
  readonly #leased: LeasedJob;
  readonly #leaseMs: number;
  readonly #abort = new AbortController();
  #record: StoredRecord<JobDocument>;
  #renewedAt: number;
  #stopping = false;

  constructor(deps: { store: MetadataStore; clock: Clock; leaseMs: number }, leased: LeasedJob, record: StoredRecord<JobDocument>) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#leaseMs = deps.leaseMs;
    this.#leased = leased;
    this.#record = record;
    this.#renewedAt = deps.clock.now().getTime();
  }

  get jobId(): string { return this.#record.data.id; }
  get jobName(): string { return this.#record.data.name; }
  get kind(): string { return this.#leased.kind; }
  get payload(): unknown { return this.#leased.payload; }
  get vaultId(): string { return this.#record.data.arca.vaultId; }
  get itemId(): string { return this.#record.data.arca.itemId; }
  get vmId(): string { return this.#record.data.arca.vmId; }
  get attempt(): number { return this.#leased.attempts; }
  get signal(): AbortSignal { return this.#abort.signal; }
  get queueId(): string { return this.#leased.id; }
  get leased(): LeasedJob { return this.#leased; }
  get workerId(): string { return this.#leased.workerId; }
  get record(): StoredRecord<JobDocument> { return this.#record; }

  now(): Date {
    return this.#clock.now();
  }

  job(): JobDocument {
    return this.#record.data;
  }

  /** Asks the handler to stop at its next safe point, so the job can be handed back. */
  stop(): void {
    this.#stopping = true;
    this.#abort.abort(new EngineStoppingSignal(this.jobName));
  }

  async progress(percent: number, options: { readonly estimatedRemainingMs?: number } = {}): Promise<void> {
    const estimate = options.estimatedRemainingMs === undefined ? undefined : formatIsoDuration(options.estimatedRemainingMs);
    await this.update((job) => setProgress(job, percent, this.now(), estimate));
  }

  async nextTask(): Promise<void> {
    await this.checkpoint();
    await this.update((job) => completeTask(job, this.now()));
  }

  async setProperty(name: string, value: string): Promise<void> {
    await this.update((job) => {
      const info = job.properties.extendedInfo;
      if (info.propertyBag[name] === value) return job;
      return { ...job, properties: { ...job.properties, extendedInfo: { ...info, propertyBag: { ...info.propertyBag, [name]: value } } } };
    });
  }

  async checkpoint(): Promise<void> {
    await this.update((job) => job);
  }

  /** Renews the lease once a third of it has passed, by the engine's clock; a lost lease aborts the run. */
  async renewIfDue(force = false): Promise<void> {
    const now = this.#clock.now();
    if (!force && now.getTime() - this.#renewedAt < this.#leaseMs / 3) return;
    try {
      await this.#store.renew(this.#leased.id, this.#leased.workerId, this.#leaseMs, now);
      this.#renewedAt = now.getTime();
    } catch (error) {
      if (!isConflictError(error)) throw error;
      throw this.lost(error.message);
    }
  }

  /**
   * Applies a pure change and writes it with the version last seen. When someone else wrote in
   * between (a cancel request, the duration check), reads again and re-applies the change, unless
   * the job has changed hands.
   */
  async update(change: (job: JobDocument) => JobDocument): Promise<void> {
    this.throwIfStopped();
    await this.renewIfDue();
    for (let tries = 1; ; tries++) {
      const next = change(this.#record.data);
      try {
        if (next !== this.#record.data) {
          this.#record = await this.#store.put<JobDocument>(JOBS, { id: this.#record.id, data: next, index: jobIndex(next) }, { expectedVersion: this.#record.version });
        }
        break;
      } catch (error) {
        if (!isConflictError(error) || tries >= MAX_WRITE_TRIES) throw error;
        await this.reload();
      }
    }
    if (this.#record.data.properties.status === 'Cancelling') throw new JobCancelledSignal(this.jobName);
  }

  /** Reads the record again; throws LeaseLostError when another lease wrote it since. */
  async reload(): Promise<void> {
    const fresh = await this.#store.get<JobDocument>(JOBS, this.#record.id);
    if (fresh === undefined) throw this.lost('the job record is gone');
    if (fresh.data.arca.worker !== this.#leased.workerId || fresh.data.arca.attempts !== this.#leased.attempts) {
      throw this.lost(`attempt ${fresh.data.arca.attempts} by ${fresh.data.arca.worker ?? 'nobody'} holds it now`);
    }
    this.#record = fresh;
  }

  /** Takes the record this run will write from here on (after a write the engine made in a transaction). */
  adopt(record: StoredRecord<JobDocument>): void {
    this.#record = record;
  }

  private throwIfStopped(): void {
    if (this.#abort.signal.aborted) throw this.#stopping ? new EngineStoppingSignal(this.jobName) : this.#abort.signal.reason;
  }

  private lost(reason: string): LeaseLostError {
    const error = new LeaseLostError(this.jobName, reason);
    if (!this.#abort.signal.aborted) this.#abort.abort(error);
    return error;
  }
}
