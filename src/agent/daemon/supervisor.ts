import { setTimeout as delay } from 'node:timers/promises';
import type { AgentLog } from './agent-log.ts';
import { errorFields } from './agent-log.ts';

export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  /** A run that lasted this long resets the backoff to its start. */
  readonly stableMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 60_000, stableMs: 60_000 };

/** Waits `ms`, or less when aborted; never throws. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal }).catch(() => undefined);
}

/**
 * Runs a background loop for as long as `signal` allows, as waagent's monitor does: a loop that
 * throws or returns early is logged and restarted after a backoff that doubles up to `maxMs`, and
 * starts over once a run has lasted `stableMs`. `now` is a monotonic reading in milliseconds.
 */
export async function supervise(name: string, loop: (signal: AbortSignal) => Promise<void>, deps: { signal: AbortSignal; log: AgentLog; now: () => number; backoff?: Backoff }): Promise<void> {
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  let wait = backoff.initialMs;
  let restarts = 0;
  while (!deps.signal.aborted) {
    const started = deps.now();
    try {
      await loop(deps.signal);
      if (deps.signal.aborted) return;
      deps.log.warn('background loop ended on its own; restarting it', { loop: name, restarts });
    } catch (error) {
      if (deps.signal.aborted) return;
      deps.log.error('background loop failed; restarting it', { loop: name, restarts, retryInMs: wait, ...errorFields(error) });
    }
    if (deps.now() - started >= backoff.stableMs) wait = backoff.initialMs;
    restarts += 1;
    await pause(wait, deps.signal);
    wait = Math.min(wait * 2, backoff.maxMs);
  }
}

/** A wake-up call: `wait` resolves after `ms`, on `wake()`, or on abort, whichever comes first. */
export class Wakeup {
  #pending: (() => void) | undefined;
  #woken = false;

  wake(): void {
    this.#woken = true;
    this.#pending?.();
  }

  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      return;
    }
    const inner = new AbortController();
    const onAbort = () => inner.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.#pending = onAbort;
    try {
      await pause(ms, inner.signal);
    } finally {
      this.#pending = undefined;
      this.#woken = false;
      signal.removeEventListener('abort', onAbort);
    }
  }
}
