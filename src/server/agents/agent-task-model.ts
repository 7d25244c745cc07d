import type { Consistency } from '../../core/states/index.ts';
import type { RestoredDiskReport, TaskKind } from '../../protocol/index.ts';

/**
 * Work the vault asks of a machine's agent, delivered through the machine's goal state and
 * answered through its status report (ADR 5). Collection `agent-tasks`, keyed by task id (the job
 * name of the job that asked), indexed by machine (`vm`: lower-cased VM id) and `status`.
 */
export const AGENT_TASKS = 'agent-tasks';

export const AGENT_TASK_STATUSES = ['pending', 'transitioning', 'success', 'error', 'cancelled'] as const;
export type AgentTaskStatus = (typeof AGENT_TASK_STATUSES)[number];

/** Where the snapshot task stands, as the agent reports it. */
export type SnapshotPhase = 'snapshot' | 'transfer';

/**
 * A task's settings. `snapshot`: the backup's snapshot and upload. `restore`: the restore job's
 * clone back of an instant point (collectionId, pointName) over the disks named with their paths,
 * or with `repositoryPointId` a write-back of the vault tier's changed chunks; `consistencyWanted`
 * means nothing to it.
 */
export interface SnapshotTaskSettings {
  readonly kind: TaskKind;
  readonly jobName: string;
  /** The restore point this snapshot becomes, in the VM's collection. */
  readonly collectionId: string;
  readonly pointName: string;
  /** Application-consistent when pre/post scripts are configured, file-system-consistent otherwise. */
  readonly consistencyWanted: Exclude<Consistency, 'CrashConsistent'>;
  readonly disks: readonly { readonly name: string; readonly lun?: number; readonly path?: string; readonly pointDisk?: number }[];
  /** A restore from the vault tier: the repository point the extension reads (through restore-read-routes.ts); each disk names its `pointDisk`. */
  readonly repositoryPointId?: string;
  /** The machine is Failed because the extension failed: remove and reinstall it before the task. */
  readonly reinstall?: boolean;
}

export interface SnapshotTaskResult {
  readonly consistency?: Consistency;
  /** Why the point is weaker than asked, when it is (e.g. no copy-on-write snapshot possible). */
  readonly consistencyReason?: string;
  readonly snapshots?: readonly { readonly disk: string; readonly path: string }[];
  /** Set with success: the repository point the extension wrote. */
  readonly manifestId?: string;
  readonly bytesRead?: number;
  readonly bytesNew?: number;
  /** A restore task: each disk written and its safety copy. */
  readonly restored?: readonly RestoredDiskReport[];
}

export interface AgentTaskRecord {
  readonly taskId: string;
  /** The VM's ARM id. */
  readonly vmId: string;
  readonly settings: SnapshotTaskSettings;
  readonly created: string;
  readonly status: AgentTaskStatus;
  readonly phase?: SnapshotPhase;
  /** 0–100 within the phase. */
  readonly progress?: number;
  /** Failure: a catalog code the agent or extension chose, and its parameters. */
  readonly error?: { readonly code: string; readonly params: Readonly<Record<string, string | number>> };
  readonly result?: SnapshotTaskResult;
  /** When the agent first saw the task, and last reported on it. */
  readonly pickedUp?: string;
  /** When the agent first reported the snapshot taken (phase transfer): the recovery point's time. */
  readonly snapshotTakenAt?: string;
  readonly updated: string;
}
