/**
 * Counts failed sign-ins per client id in fixed windows and says when to refuse further attempts,
 * so a client secret cannot be guessed at the server's speed. Kept in memory: a restart forgets,
 * which is acceptable for a brake on guessing; it does not replace secrets of 256 random bits.
 */
export class SignInThrottle {
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #windows = new Map<string, { start: number; failures: number }>();

  constructor(options: { maxFailures?: number; windowMs?: number; maxKeys?: number } = {}) {
    this.#maxFailures = options.maxFailures ?? 10;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxKeys = options.maxKeys ?? 10_000;
  }

  /** Seconds to wait when the key has used up its failures in the current window; undefined when it may try. */
  retryAfterSeconds(key: string, now: Date): number | undefined {
    const window = this.#current(key, now);
    if (window === undefined || window.failures < this.#maxFailures) return undefined;
    return Math.max(1, Math.ceil((window.start + this.#windowMs - now.getTime()) / 1000));
  }

  recordFailure(key: string, now: Date): void {
    const window = this.#current(key, now);
    if (window !== undefined) {
      window.failures++;
      return;
    }
    if (this.#windows.size >= this.#maxKeys) this.#forgetEnded(now);
    // Still full of live windows: the oldest one goes, so memory stays bounded under a flood of ids.
    if (this.#windows.size >= this.#maxKeys) this.#windows.delete(this.#windows.keys().next().value as string);
    this.#windows.set(key, { start: now.getTime(), failures: 1 });
  }

  #current(key: string, now: Date): { start: number; failures: number } | undefined {
    const window = this.#windows.get(key);
    if (window === undefined) return undefined;
    if (now.getTime() - window.start < this.#windowMs) return window;
    this.#windows.delete(key);
    return undefined;
  }

  #forgetEnded(now: Date): void {
    for (const [key, window] of this.#windows) {
      if (now.getTime() - window.start >= this.#windowMs) this.#windows.delete(key);
    }
  }
}
