import type { JobContext } from '../jobs/index.ts';

/**
 * Turns the byte counts a restore reports many times a second into a few job writes: a write when
 * the whole percentage moved and at least `intervalMs` passed, never two at once. A write that
 * fails (the job's lease was lost, the engine is stopping) aborts the restore through `abort`; the
 * failure is rethrown by `settle`, so the engine sees why the job stopped.
 */
export class ProgressReporter {
  readonly #context: JobContext;
  readonly #abort: AbortController;
  readonly #intervalMs: number;
  #pending: Promise<void> | undefined;
  #failure: unknown;
  #percent = -1;
  #at = 0;

  constructor(context: JobContext, abort: AbortController, intervalMs = 1000) {
    this.#context = context;
    this.#abort = abort;
    this.#intervalMs = intervalMs;
  }

  report(percent: number): void {
    const whole = Math.min(99, Math.floor(percent));
    const now = this.#context.now().getTime();
    if (this.#pending || this.#failure !== undefined || whole <= this.#percent || now - this.#at < this.#intervalMs) return;
    this.#percent = whole;
    this.#at = now;
    this.#pending = this.#context
      .progress(whole)
      .catch((error: unknown) => {
        this.#failure ??= error;
        this.#abort.abort(error);
      })
      .finally(() => {
        this.#pending = undefined;
      });
  }

  /** Waits for the write in flight and rethrows a failure of any write so far. */
  async settle(): Promise<void> {
    await this.#pending;
    if (this.#failure !== undefined) throw this.#failure;
  }
}
