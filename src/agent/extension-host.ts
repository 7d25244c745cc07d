import type { Clock } from '../core/clock.ts';
import type { ExtensionStatusReport, GoalState, TaskStatusReport } from '../protocol/index.ts';
import type { AgentConfig } from './config/agent-config-keys.ts';
import type { AgentLog } from './daemon/agent-log.ts';

/** What the host says about itself in the agent's status: NotReady with a reason makes the agent NotReady. */
export interface ExtensionHostHealth {
  readonly ready: boolean;
  readonly message?: string;
}

/**
 * The port through which the goal-state loop hands extensions their work (src/extensions builds
 * the real host: handler manifests, handler state, settings and status files). The daemon calls
 * `reconcile` whenever the incarnation changes and, while tasks are open, every period; it reads
 * `statuses` for each status report and tells the host which task reports the vault received.
 */
export interface ExtensionHost {
  reconcile(goal: GoalState, signal: AbortSignal): Promise<void>;
  statuses(): { readonly handlers: readonly ExtensionStatusReport[]; readonly tasks: readonly TaskStatusReport[]; readonly health: ExtensionHostHealth };
  /** The vault has these task reports; settled ones need not be sent again. */
  delivered(tasks: readonly TaskStatusReport[]): void;
  /** Whether a task (a backup or a restore) is running now: the agent never restarts into an update under one (ADR 7). */
  busy?(): boolean;
  /** Called when the host has something new to report, so the status goes out before the next period. */
  onChange(listener: () => void): void;
  close(): Promise<void>;
}

export interface ExtensionHostContext {
  readonly config: AgentConfig;
  readonly machineId: string;
  /** The VM's ARM id as the vault registered it (its last segment is the VM's name). */
  readonly vmResourceId: string;
  readonly vaultUrl: string;
  /** The vault's CA (PEM) pinned at registration, or Vault.CaFile; absent: the system's CAs. */
  readonly ca?: string;
  /**
   * The machine's Agent token: extensions that write into the vault (the upload channel) get it in
   * their protected settings (mode 0600), never the repository's passphrase.
   */
  readonly agentToken: string;
  readonly log: AgentLog;
  readonly clock: Clock;
}

/** May build the host asynchronously, so that the composition root loads it only when the daemon runs. */
export type ExtensionHostFactory = (context: ExtensionHostContext) => ExtensionHost | Promise<ExtensionHost>;
