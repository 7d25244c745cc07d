/**
 * Wakes whoever waits on an agent task (the backup handler) when a status report changed it. In
 * process only: with several replicas the waiter also re-reads the task on a short tick, so a
 * report that reached another replica is seen a moment later.
 */
export class AgentTaskNotifier {
  readonly #waiters = new Map<string, Set<() => void>>();

  notify(taskId: string): void {
    const waiters = this.#waiters.get(taskId);
    if (!waiters) return;
    this.#waiters.delete(taskId);
    for (const wake of waiters) wake();
  }

  /** Resolves on the next notify of the task, after `timeoutMs`, or when `signal` aborts, whichever comes first. */
  wait(taskId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(taskId) ?? new Set<() => void>();
      this.#waiters.set(taskId, waiters);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(taskId) === waiters) this.#waiters.delete(taskId);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      waiters.add(done);
      if (signal?.aborted) done();
      else signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Tasks someone waits on now (for tests). */
  get waiting(): number {
    return this.#waiters.size;
  }
}
