import type { ExtensionHost as AgentHost, ExtensionHostContext, ExtensionHostHealth } from './agent/extension-host.ts';
import { resourceName, parseResourceId } from './core/ids/index.ts';
import type { ExtensionHost as HandlerHost } from './extensions/host/extension-host.ts';
import { ProcessExtensionHost } from './extensions/host/process-extension-host.ts';
import { shippedPackages, vmSnapshotManifest } from './extensions/vmsnapshot/manifest.ts';
import { SNAPSHOT_EXTENSION, type ExtensionStatusReport, type GoalState, type SnapshotTaskGoal, type TaskStatusReport } from './protocol/index.ts';

interface RunningTask {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

/**
 * The agent's port (src/agent/extension-host.ts) over the real handler host (src/extensions/host):
 * each goal state is reconciled into the handlers (install, enable with new settings, removal of
 * deleted instant points' files), each open task is run through the snapshot extension in the
 * background, one at a time, and every report the extension writes is kept until the vault has it.
 * A task the goal state calls off is aborted (the extension is stopped and its watchdog thaws).
 */
export class AgentExtensionHost implements AgentHost {
  readonly #handlers: HandlerHost;
  readonly #context: Pick<ExtensionHostContext, 'log'>;
  readonly #undelivered = new Map<string, TaskStatusReport>();
  readonly #running = new Map<string, RunningTask>();
  /** Tasks run to their end by this process: a later goal state still listing them does not start them again. */
  readonly #ended = new Set<string>();
  readonly #listeners: (() => void)[] = [];
  #queue: Promise<void> = Promise.resolve();
  #handlerReports: readonly ExtensionStatusReport[] = [];
  #health: ExtensionHostHealth = { ready: true };
  #deferred: GoalState | undefined;

  constructor(handlers: HandlerHost, context: Pick<ExtensionHostContext, 'log'>) {
    this.#handlers = handlers;
    this.#context = context;
  }

  async reconcile(goal: GoalState, signal: AbortSignal): Promise<void> {
    const tasks = goal.extensions.filter((e) => e.name === SNAPSHOT_EXTENSION).flatMap((e) => e.settings.tasks);
    for (const task of tasks) {
      if (task.state === 'cancelled') this.#running.get(task.taskId)?.controller.abort();
      else if (!this.#running.has(task.taskId) && !this.#ended.has(task.taskId)) this.#start(task);
    }
    // Handlers are not re-enabled under a running task (one settings sequence at a time): after it.
    if (this.#running.size > 0) {
      this.#deferred = goal;
      return;
    }
    await this.#reconcileHandlers(goal, signal);
  }

  async #reconcileHandlers(goal: GoalState, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    this.#handlerReports = await this.#handlers.reconcile(goal.extensions, { deletedInstantPoints: goal.deletedInstantPoints });
    this.#changed();
  }

  #start(task: SnapshotTaskGoal): void {
    const controller = new AbortController();
    const done = (this.#queue = this.#queue.then(() => this.#run(task, controller.signal)));
    this.#running.set(task.taskId, { controller, done });
  }

  async #run(task: SnapshotTaskGoal, signal: AbortSignal): Promise<void> {
    const { log } = this.#context;
    try {
      if (signal.aborted) return;
      log.info('snapshot task started', { taskId: task.taskId, point: task.pointName, ...(task.reinstall ? { reinstall: true } : {}) });
      const report = (next: TaskStatusReport): void => {
        this.#undelivered.set(next.taskId, next);
        this.#changed();
      };
      const final = await this.#handlers.runTask(task, report, { signal, ...(task.reinstall ? { reinstall: true } : {}) });
      report(final);
      log.info('snapshot task ended', { taskId: task.taskId, status: final.status, ...(final.error ? { code: final.error.code } : {}) });
    } catch (error) {
      log.error('snapshot task not run', { taskId: task.taskId, error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.#ended.add(task.taskId);
      this.#running.delete(task.taskId);
      this.#handlerReports = await this.#handlers.handlerStatuses().catch(() => this.#handlerReports);
      this.#changed();
      const deferred = this.#deferred;
      if (this.#running.size === 0 && deferred) {
        this.#deferred = undefined;
        await this.#reconcileHandlers(deferred, AbortSignal.timeout(60_000)).catch((error: unknown) => log.error('extensions not reconciled', { error: String(error) }));
      }
    }
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  statuses() {
    return { handlers: this.#handlerReports, tasks: [...this.#undelivered.values()], health: this.#health };
  }

  busy(): boolean {
    return this.#running.size > 0;
  }

  delivered(tasks: readonly TaskStatusReport[]): void {
    // Only the very report sent: a newer one made meanwhile still has to go.
    for (const task of tasks) if (this.#undelivered.get(task.taskId) === task) this.#undelivered.delete(task.taskId);
  }

  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  async close(): Promise<void> {
    this.#health = { ready: false, message: 'the agent is stopping' };
    for (const task of this.#running.values()) task.controller.abort();
    await Promise.all([...this.#running.values()].map((task) => task.done.catch(() => undefined)));
  }
}

function vmNameOf(vmResourceId: string): string {
  try {
    return resourceName(parseResourceId(vmResourceId));
  } catch {
    return vmResourceId;
  }
}

/**
 * The agent's extension host as `arca agent run` builds it: handlers in Lib.Dir, the VMSnapshot
 * extension shipped with this build (its machine settings from VmSnapshot.ConfigFile), and the
 * upload channel's credentials (vault URL, pinned CA, Agent token, and HttpProxy.* when set) in its
 * protected settings, so the extension reaches the vault the way the agent does.
 */
export function buildAgentExtensionHost(context: ExtensionHostContext): AgentHost {
  const { config } = context;
  const handlers = new ProcessExtensionHost({
    libDir: config.libDir,
    packages: shippedPackages([vmSnapshotManifest({ configPath: config.vmSnapshotConfigFile })]),
    clock: context.clock,
    machine: { id: context.machineId, name: vmNameOf(context.vmResourceId) },
    protectedSettings: (name) =>
      name === SNAPSHOT_EXTENSION && context.ca !== undefined
        ? { vault: { url: context.vaultUrl, machineId: context.machineId, token: context.agentToken, ca: context.ca, ...(config.httpProxy ? { proxy: { ...config.httpProxy } } : {}) } }
        : {},
  });
  return new AgentExtensionHost(handlers, context);
}
