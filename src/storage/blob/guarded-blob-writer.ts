import { invalidArgument, isArcaError } from '../../core/errors/index.ts';
import { transition } from '../../core/states/index.ts';
import { raceAbort } from './abort.ts';
import type { BlobWriter } from './blob-store.ts';
import { blobWriterMachine, type BlobWriterState } from './blob-writer-state.ts';

/** What a medium does for a writer; GuardedBlobWriter decides when each step may run. */
export interface WriterSteps {
  /** Appends `data` after the bytes before it; may read `data` only until it settles. */
  append(data: Uint8Array, signal: AbortSignal | undefined): Promise<void>;
  /**
   * Places the bytes under the key, atomically. Called again after a retryable failure when
   * canRetryPublish() says so; it then resumes where it stopped.
   */
  publish(signal: AbortSignal | undefined): Promise<void>;
  /** After publish failed with a retryable error: false when the bytes are lost meanwhile. */
  canRetryPublish(): boolean;
  /** Throws the bytes away. Called at most once, never while append or publish runs. */
  discard(): Promise<void>;
}

/**
 * The writer lifecycle of the port's contract, in one place for every medium: the state machine,
 * one call at a time, refusals, aborting on a failed write, and the AbortSignal. A medium supplies
 * only its WriterSteps.
 */
export class GuardedBlobWriter implements BlobWriter {
  readonly key: string;
  readonly #steps: WriterSteps;
  readonly #signal: AbortSignal | undefined;
  #state: BlobWriterState = 'open';
  #bytes = 0;
  /** The write or commit under way; abort waits for it to settle before it discards. */
  #busy: Promise<void> | undefined;
  #discarded: Promise<void> | undefined;
  readonly #onAbort = () => void this.abort().catch(() => undefined);

  constructor(key: string, steps: WriterSteps, signal?: AbortSignal) {
    this.key = key;
    this.#steps = steps;
    this.#signal = signal;
    if (signal?.aborted) this.#onAbort();
    else signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  get state(): BlobWriterState {
    return this.#state;
  }

  get bytesWritten(): number {
    return this.#bytes;
  }

  write(data: Uint8Array): Promise<void> {
    const refused = this.#refusal('write', this.#state !== 'open');
    if (refused !== undefined) return Promise.reject(refused);
    const appending = this.#exclusive(async () => {
      try {
        await this.#steps.append(data, this.#signal);
      } catch (error) {
        await this.#discard();
        throw this.#signal?.aborted ? this.#signal.reason : error;
      }
      // An abort that arrived meanwhile has already dropped these bytes.
      if (this.#state !== 'open') throw this.#refusal('write', true);
      this.#bytes += data.length;
    });
    return raceAbort(appending, this.#signal);
  }

  async commit(): Promise<void> {
    if (this.#state === 'committed') return;
    const refused = this.#refusal('commit', this.#state === 'aborted');
    if (refused !== undefined) throw refused;
    if (this.#state === 'open') this.#move('committing');
    await this.#exclusive(async () => {
      try {
        this.#signal?.throwIfAborted();
        await this.#steps.publish(this.#signal);
      } catch (error) {
        if (this.#signal?.aborted) {
          await this.#discard();
          throw this.#signal.reason;
        }
        if (!(isArcaError(error) && error.retryable && this.#steps.canRetryPublish())) await this.#discard();
        throw error;
      }
      this.#move('committed');
      this.#signal?.removeEventListener('abort', this.#onAbort);
    });
  }

  async abort(): Promise<void> {
    // Refuse further writes at once; a commit under way decides for itself whether it landed.
    if (this.#state === 'open') this.#move('aborted');
    await this.#busy?.catch(() => undefined);
    if (this.#state === 'committed') return;
    await this.#discard();
  }

  /** The error that refuses a call, or undefined when the call may go ahead. */
  #refusal(call: 'write' | 'commit', wrongState: boolean): unknown {
    if (this.#signal?.aborted) return this.#signal.reason;
    if (wrongState) return invalidArgument('writer', `the writer of ${this.key} is ${this.#state}, so ${call} is refused`);
    if (this.#busy !== undefined) {
      return invalidArgument('writer', `another call on the writer of ${this.key} is under way; a writer takes one call at a time`);
    }
    return undefined;
  }

  #exclusive(call: () => Promise<void>): Promise<void> {
    const running = call();
    this.#busy = running;
    return running.finally(() => {
      if (this.#busy === running) this.#busy = undefined;
    });
  }

  #discard(): Promise<void> {
    if (this.#state !== 'aborted') this.#move('aborted');
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#discarded ??= this.#steps.discard();
    return this.#discarded;
  }

  #move(to: BlobWriterState): void {
    this.#state = transition(blobWriterMachine, this.#state, to, `BlobWriter ${this.key}`);
  }
}
