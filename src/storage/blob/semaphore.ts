import { invalidArgument } from '../../core/errors/index.ts';

/** Gives back a permit; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  readonly grant: (release: Release) => void;
}

/**
 * Counts permits for at most `limit` holders at a time. Waiters are served first come, first
 * served; one whose signal aborts leaves the queue at once and rejects with the signal's reason.
 */
export class Semaphore {
  readonly limit: number;
  #held = 0;
  readonly #queue: Waiter[] = [];

  constructor(limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw invalidArgument('limit', `${limit} is not a whole number of one or more`);
    this.limit = limit;
  }

  /** Permits held right now. */
  get held(): number {
    return this.#held;
  }

  /** Callers queued for a permit right now. */
  get waiting(): number {
    return this.#queue.length;
  }

  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#held < this.limit && this.#queue.length === 0) {
      this.#held += 1;
      return Promise.resolve(this.#releaser());
    }
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        const index = this.#queue.indexOf(waiter);
        if (index >= 0) this.#queue.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      this.#queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#queue.shift();
      // The permit passes straight to the next waiter, so a newcomer cannot jump the queue.
      if (next) next.grant(this.#releaser());
      else this.#held -= 1;
    };
  }
}
