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
  /** Called when the host has something new to report, so the status goes out before the next period. */
  onChange(listener: () => void): void;
  close(): Promise<void>;
}

export interface ExtensionHostContext {
  readonly config: AgentConfig;
  readonly machineId: string;
  readonly vaultUrl: string;
  readonly log: AgentLog;
  readonly clock: Clock;
}

export type ExtensionHostFactory = (context: ExtensionHostContext) => ExtensionHost;
