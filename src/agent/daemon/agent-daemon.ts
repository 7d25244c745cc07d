import { join } from 'node:path';
import type { Clock } from '../../core/clock.ts';
import { isArcaError } from '../../core/errors/index.ts';
import { writeFileAtomic } from '../../platform/files.ts';
import type { AgentSelfReport, GoalState, StatusReport } from '../../protocol/index.ts';
import type { ExtensionHost } from '../extension-host.ts';
import { errorFields, RepeatFilter, type AgentLog } from './agent-log.ts';
import { supervise, Wakeup, type Backoff } from './supervisor.ts';

/** The two calls the daemon makes to its vault (AgentProtocolClient in production). */
export interface VaultPort {
  goalState(signal?: AbortSignal, onDropped?: (field: string, reason: string) => void): Promise<GoalState>;
  reportStatus(report: StatusReport, signal?: AbortSignal): Promise<void>;
}

export interface AgentDaemonDeps {
  readonly vault: VaultPort;
  readonly vaultUrl: string;
  readonly host: ExtensionHost;
  readonly log: AgentLog;
  readonly clock: Clock;
  /** A monotonic reading in ms, for the supervisor's backoff. */
  readonly monotonic: () => number;
  readonly version: string;
  readonly periodMs: number;
  /** Where status.json (the agent's own view, for `arca doctor`) is written. */
  readonly libDir: string;
  readonly backoff?: Backoff;
  /** Checks the machine's own health for each report (e.g. its disks still open); a message makes the agent NotReady. */
  readonly selfCheck?: () => Promise<string | undefined>;
  /** With AutoUpdate.Enabled=y (ADR 7): prepares the newer agent a goal state offers; its last failure goes into the status message. */
  readonly updater?: {
    consider(goal: GoalState, signal: AbortSignal): Promise<string | undefined>;
    readonly problem?: { readonly version: string; readonly code: string } | undefined;
  };
  /** Called once, after the first status report the vault accepted (the supervisor's sign that this version works). */
  readonly onReported?: () => void;
}

/** How a run ended: stopped, or to restart into a newer version that is ready in Lib.Dir. */
export interface DaemonExit {
  readonly restartInto?: string;
}

export const LOCAL_STATUS_FILE = 'status.json';
const FINAL_REPORT_MS = 3000;

/**
 * The agent's daemon, as waagent's: a goal-state loop that pulls the goal state every period and
 * reconciles extensions when its incarnation changes (or while tasks are open), and a status loop
 * that reports the agent's status, each handler's and each task's every period (the heartbeat)
 * and at once when the host has news. Both are supervised; a failure that repeats is logged once
 * and then counted. On stop, a last report says NotReady.
 */
export class AgentDaemon {
  readonly #deps: AgentDaemonDeps;
  readonly #repeats: RepeatFilter;
  readonly #statusWake = new Wakeup();
  #applied: number | undefined;
  #lastVaultError: unknown;
  #lastReport: string | undefined;
  readonly #stop = new AbortController();
  #restartInto: string | undefined;
  #waitingLogged: string | undefined;
  #reported = false;

  constructor(deps: AgentDaemonDeps) {
    this.#deps = deps;
    this.#repeats = new RepeatFilter(deps.log, deps.clock);
    deps.host.onChange(() => this.#statusWake.wake());
  }

  get appliedIncarnation(): number | undefined {
    return this.#applied;
  }

  async run(outer: AbortSignal): Promise<DaemonExit> {
    const { log, monotonic, backoff } = this.#deps;
    const signal = AbortSignal.any([outer, this.#stop.signal]);
    const supervision = { signal, log, now: monotonic, ...(backoff ? { backoff } : {}) };
    log.info('agent started', { version: this.#deps.version, vault: this.#deps.vaultUrl, periodSeconds: this.#deps.periodMs / 1000 });
    await Promise.all([supervise('goal-state', (s) => this.goalStateLoop(s), supervision), supervise('status', (s) => this.statusLoop(s), supervision)]);
    const restartInto = outer.aborted ? undefined : this.#restartInto;
    const last = restartInto ? `the agent is restarting into version ${restartInto}` : 'the agent was stopped';
    await this.reportOnce(AbortSignal.timeout(FINAL_REPORT_MS), { status: 'NotReady', version: this.#deps.version, message: last });
    log.info('agent stopped', restartInto ? { restartInto } : {});
    return restartInto ? { restartInto } : {};
  }

  /**
   * With a newer version ready, the daemon stops so that the supervisor starts it — only when no
   * task is open in the goal state and none runs in the host (a backup or restore is never cut).
   */
  private async considerUpdate(goal: GoalState, open: boolean, signal: AbortSignal): Promise<void> {
    const ready = await this.#deps.updater?.consider(goal, signal).catch((error: unknown) => {
      this.#repeats.failure('update', 'agent update not considered', error);
      return undefined;
    });
    if (ready === undefined || signal.aborted) return;
    if (open || this.#deps.host.busy?.() === true) {
      if (this.#waitingLogged !== ready) this.#deps.log.info('agent update waits for the running tasks to end', { version: ready });
      this.#waitingLogged = ready;
      return;
    }
    this.#deps.log.info('restarting into the agent update', { from: this.#deps.version, to: ready });
    this.#restartInto = ready;
    this.#stop.abort();
  }

  private async goalStateLoop(signal: AbortSignal): Promise<void> {
    const wake = new Wakeup();
    while (!signal.aborted) {
      await this.pullOnce(signal);
      await wake.wait(this.#deps.periodMs, signal);
    }
  }

  /** Pulls the goal state and reconciles when its incarnation changed or it holds open tasks. */
  async pullOnce(signal: AbortSignal): Promise<void> {
    const { vault } = this.#deps;
    let goal: GoalState;
    try {
      goal = await vault.goalState(signal, (field, reason) => this.#deps.log.warn('goal state field dropped', { field, reason }));
    } catch (error) {
      if (!signal.aborted) this.vaultFailed('goal-state', 'goal state not pulled', error);
      return;
    }
    this.#repeats.recovered('goal-state', 'goal state pulled again');
    const open = goal.extensions.some((extension) => extension.settings.tasks.some((task) => task.state !== 'cancelled'));
    if (goal.incarnation !== this.#applied || open) await this.reconcile(goal, signal);
    await this.considerUpdate(goal, open, signal);
  }

  private async reconcile(goal: GoalState, signal: AbortSignal): Promise<void> {
    const { host, log } = this.#deps;
    if (goal.incarnation !== this.#applied) log.info('new goal state', { incarnation: goal.incarnation, tasks: goal.extensions.flatMap((e) => e.settings.tasks.map((t) => `${t.taskId}:${t.state}`)) });
    try {
      await host.reconcile(goal, signal);
      this.#applied = goal.incarnation;
      this.#repeats.recovered('reconcile', 'extensions reconciled again');
    } catch (error) {
      if (!signal.aborted) this.#repeats.failure(`reconcile:${isArcaError(error) ? error.code : 'unexpected'}`, 'extensions not reconciled', error, { incarnation: goal.incarnation });
    }
    this.#statusWake.wake();
  }

  private async statusLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.reportOnce(signal);
      await this.#statusWake.wait(this.#deps.periodMs, signal);
    }
  }

  private async selfReport(host: { ready: boolean; message?: string }): Promise<AgentSelfReport> {
    const version = this.#deps.version;
    const problem = this.#deps.updater?.problem;
    const updateNote = problem ? `agent update to ${problem.version} not applied (${problem.code})` : undefined;
    const notes = [host.message, updateNote].filter((note) => note !== undefined).join('; ');
    const health = { ready: host.ready, ...(notes ? { message: notes } : {}) };
    const unwell = await this.#deps.selfCheck?.().catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    if (unwell !== undefined) return { status: 'NotReady', version, message: unwell.slice(0, 1000) };
    if (!health.ready) return { status: 'NotReady', version, message: (health.message ?? 'extension host not ready').slice(0, 1000) };
    return { status: 'Ready', version, ...(health.message ? { message: health.message.slice(0, 1000) } : {}) };
  }

  /** One status report (the heartbeat); the agent's own view goes to status.json either way. */
  async reportOnce(signal: AbortSignal, override?: AgentSelfReport): Promise<boolean> {
    const { vault, host } = this.#deps;
    const { handlers, tasks, health } = host.statuses();
    const agent = override ?? (await this.selfReport(health));
    const report: StatusReport = { ...(this.#applied === undefined ? {} : { goalStateIncarnation: this.#applied }), agent, extensions: handlers, tasks };
    let sent = false;
    try {
      await vault.reportStatus(report, signal);
      host.delivered(tasks);
      this.#lastReport = this.#deps.clock.now().toISOString();
      this.#lastVaultError = undefined;
      this.#repeats.recovered('status', 'status reported again');
      sent = true;
      if (!this.#reported && !override) {
        this.#reported = true;
        this.#deps.onReported?.();
      }
    } catch (error) {
      if (!signal.aborted || override) this.vaultFailed('status', 'status not reported', error);
    }
    await this.writeLocalStatus(agent).catch((error: unknown) => this.#repeats.failure('local-status', 'status.json not written', error));
    return sent;
  }

  private vaultFailed(loop: string, msg: string, error: unknown): void {
    this.#lastVaultError = error;
    this.#repeats.failure(`${loop}:${isArcaError(error) ? error.code : 'unexpected'}`, msg, error, { vault: this.#deps.vaultUrl });
  }

  /** What the agent thinks of itself, vault or no vault: NotReady with the reason while the vault cannot be reached. */
  private async writeLocalStatus(reported: AgentSelfReport): Promise<void> {
    const failure = this.#lastVaultError;
    const agent = failure === undefined ? reported : { status: 'NotReady', version: reported.version, message: `vault not reachable: ${String(errorFields(failure).error)}` };
    const local = {
      time: this.#deps.clock.now().toISOString(),
      agent,
      goalStateIncarnation: this.#applied ?? null,
      vault: { url: this.#deps.vaultUrl, lastReport: this.#lastReport ?? null, ...(failure === undefined ? {} : { lastError: errorFields(failure) }) },
    };
    await writeFileAtomic(join(this.#deps.libDir, LOCAL_STATUS_FILE), `${JSON.stringify(local, null, 2)}\n`, 0o600);
  }
}
