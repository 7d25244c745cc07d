import type { ExtensionStatusReport, GoalState, TaskStatusReport } from '../protocol/index.ts';
import type { ExtensionHost, ExtensionHostHealth } from './extension-host.ts';

/**
 * The host used when extensions cannot run: `Extensions.Enabled=n` (the seed's "agent
 * configuration options not set"), or no extension host in this build. Every snapshot task it is
 * handed fails at once with GuestAgentSnapshotTaskStatusError and the reason, so the backup fails
 * now rather than at the end of the vault's silence window; handlers show NotInstalled.
 */
export class RefusingExtensionHost implements ExtensionHost {
  readonly #reason: string;
  readonly #health: ExtensionHostHealth;
  #handlers: ExtensionStatusReport[] = [];
  readonly #undelivered = new Map<string, TaskStatusReport>();
  readonly #refused = new Set<string>();
  readonly #listeners: (() => void)[] = [];

  constructor(reason: string, health: ExtensionHostHealth = { ready: true, message: reason }) {
    this.#reason = reason;
    this.#health = health;
  }

  async reconcile(goal: GoalState): Promise<void> {
    this.#handlers = goal.extensions.map((extension) => ({ name: extension.name, version: extension.version, handlerState: 'NotInstalled' }));
    let changed = false;
    for (const task of goal.extensions.flatMap((extension) => extension.settings.tasks)) {
      if (task.state === 'cancelled' || this.#refused.has(task.taskId)) continue;
      this.#refused.add(task.taskId);
      this.#undelivered.set(task.taskId, { taskId: task.taskId, status: 'error', phase: 'snapshot', error: { code: 'GuestAgentSnapshotTaskStatusError', params: { reason: this.#reason } } });
      changed = true;
    }
    if (changed) for (const listener of this.#listeners) listener();
  }

  statuses() {
    return { handlers: this.#handlers, tasks: [...this.#undelivered.values()], health: this.#health };
  }

  delivered(tasks: readonly TaskStatusReport[]): void {
    for (const task of tasks) this.#undelivered.delete(task.taskId);
  }

  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  async close(): Promise<void> {}
}
