import type { Consistency, ExtensionHandlerState, ExtensionStatus } from '../core/states/index.ts';

/**
 * The agent ⇄ vault protocol (ADR 5), served under Arca's own api-version. The agent registers once
 * with a one-time registration token and gets its Agent token; then it pulls its goal state and
 * reports its status, both for its own machine only:
 *
 *   POST /arca/agent/register                                  RegistrationRequest → RegistrationResponse
 *   GET  /arca/agent/machines/{machineId}/goalstate            → GoalState
 *   PUT  /arca/agent/machines/{machineId}/status               StatusReport → 200
 *   GET  /arca/agent/machines/{machineId}/agentPackages/{v}    → the agent package of version v (ADR 7)
 *
 * `machineId` is the VM's `vmId` (a UUID the machine keeps for life). The machine is in the path so
 * that authorization can tell, before anything runs, that an Agent token speaks for that machine.
 */
export const AGENT_API_VERSION = '2026-11-01';
export const AGENT_PATHS = {
  register: '/arca/agent/register',
  goalState: (machineId: string) => `/arca/agent/machines/${encodeURIComponent(machineId)}/goalstate`,
  status: (machineId: string) => `/arca/agent/machines/${encodeURIComponent(machineId)}/status`,
  agentPackage: (machineId: string, version: string) => `/arca/agent/machines/${encodeURIComponent(machineId)}/agentPackages/${encodeURIComponent(version)}`,
} as const;

/** The snapshot extension the vault asks for, as the goal state names it. */
export const SNAPSHOT_EXTENSION = 'Arca.Backup.VMSnapshotLinux';
export const SNAPSHOT_EXTENSION_VERSION = '1.0.0';

/**
 * The repository point an extension writes for a task carries these metadata keys; the vault
 * accepts a reported point only when they name the task and the machine, so that an agent cannot
 * pass off another machine's point as its own.
 */
export const POINT_METADATA = { taskId: 'arcaTaskId', machineId: 'arcaMachineId' } as const;

export const REPORTED_AGENT_STATUSES = ['Ready', 'NotReady'] as const;
export type ReportedAgentStatus = (typeof REPORTED_AGENT_STATUSES)[number];

export const TASK_REPORT_STATUSES = ['transitioning', 'success', 'error'] as const;
export type TaskReportStatus = (typeof TASK_REPORT_STATUSES)[number];

export const SNAPSHOT_PHASES = ['snapshot', 'transfer'] as const;
export type SnapshotPhaseName = (typeof SNAPSHOT_PHASES)[number];

/** A task as the goal state lists it: still to do, under way, or called off (stop and thaw). */
export const GOAL_TASK_STATES = ['pending', 'transitioning', 'cancelled'] as const;
export type GoalTaskState = (typeof GOAL_TASK_STATES)[number];

export const WANTED_CONSISTENCIES = ['ApplicationConsistent', 'FileSystemConsistent'] as const;

export interface AgentSelfReport {
  readonly status: ReportedAgentStatus;
  readonly version: string;
  readonly message?: string;
}

/** A disk as the agent sees it: which VM disk (by name), where it lives on the machine, its size. */
export interface ReportedDisk {
  readonly name: string;
  readonly path: string;
  readonly sizeBytes: number;
  /** The disk starts with a LUKS header (absent from older agents: not known). */
  readonly encrypted?: boolean;
}

export const OS_TYPES = ['Linux', 'Windows'] as const;
export type OsType = (typeof OS_TYPES)[number];

/** The machine's operating system as the agent found it (/etc/os-release and the kernel). */
export interface ReportedOs {
  readonly type: OsType;
  /** e.g. "Debian GNU/Linux 12 (bookworm)". */
  readonly name?: string;
  readonly version?: string;
  readonly kernel?: string;
  readonly architecture?: string;
}

export interface RegistrationRequest {
  readonly registrationToken: string;
  readonly machineId: string;
  readonly agent: AgentSelfReport;
  readonly disks: readonly ReportedDisk[];
  /** Optional, for agents that do not report it. */
  readonly os?: ReportedOs;
}

/** The Agent token is in this answer only; the agent keeps it as its credentials. */
export interface RegistrationResponse {
  readonly machineId: string;
  readonly vmResourceId: string;
  readonly tokenId: string;
  readonly agentToken: string;
}

/**
 * What a task asks: `snapshot` takes the machine's instant point and uploads it; `restore` clones an
 * instant point back over the machine's own disks (OriginalLocation), after a safety point of them.
 */
export const TASK_KINDS = ['snapshot', 'restore'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/**
 * A task as the goal state lists it. A `restore` task names the point to restore (collectionId,
 * pointName) and each disk to write with its path on the machine; the extension finds the point's
 * snapshot files beside the disks, and ignores `consistencyWanted`. A restore task with
 * `repositoryPointId` restores from the vault tier instead: each disk names its place in that
 * repository point (`pointDisk`), whose chunks the extension reads through the restore read routes
 * (upload-channel.ts), writing only those that differ from the disk; `collectionId` then only
 * places the safety point.
 */
export interface SnapshotTaskGoal {
  readonly taskId: string;
  readonly kind: TaskKind;
  readonly state: GoalTaskState;
  readonly jobName: string;
  /** The restore point collection (ARM id) and point the snapshot becomes. */
  readonly collectionId: string;
  readonly pointName: string;
  readonly consistencyWanted: (typeof WANTED_CONSISTENCIES)[number];
  readonly disks: readonly { readonly name: string; readonly lun?: number; readonly path?: string; readonly pointDisk?: number }[];
  /** A restore from the vault tier: the repository point to read. */
  readonly repositoryPointId?: string;
  /**
   * The extension failed and put the machine in the Failed provisioning state; this on-demand
   * backup asks the agent to remove and reinstall it before the task runs.
   */
  readonly reinstall?: boolean;
}

export interface ExtensionGoal {
  readonly name: string;
  readonly version: string;
  readonly state: 'enabled';
  readonly settings: { readonly tasks: readonly SnapshotTaskGoal[] };
}

/** An instant point that left its collection: the agent removes its snapshot files. */
export interface DeletedInstantPoint {
  readonly collectionId: string;
  readonly pointName: string;
  readonly snapshots: readonly { readonly disk: string; readonly path: string }[];
}

/**
 * A newer agent the vault offers (ADR 7): the agent downloads it from AGENT_PATHS.agentPackage of
 * its own vault (never from an address the goal state could name) and checks its SHA-256.
 */
export interface AgentUpdateOffer {
  readonly version: string;
  readonly sha256: string;
  readonly sizeBytes: number;
}

export interface GoalState {
  readonly incarnation: number;
  readonly machineId: string;
  readonly extensions: readonly ExtensionGoal[];
  readonly deletedInstantPoints: readonly DeletedInstantPoint[];
  /** Present when the vault has an agent newer than the one that last reported; used only with AutoUpdate.Enabled=y. */
  readonly agentUpdate?: AgentUpdateOffer;
  /** The oldest agent version the vault supports (older agents are flagged UserErrorGuestAgentOutdated). */
  readonly minimumAgentVersion?: string;
}

export interface ExtensionStatusReport {
  readonly name: string;
  readonly version: string;
  readonly handlerState: ExtensionHandlerState;
  readonly status?: { readonly status: ExtensionStatus; readonly code: number; readonly message: string };
}

export interface TaskResultReport {
  readonly consistency?: Consistency;
  readonly consistencyReason?: string;
  readonly snapshots?: readonly { readonly disk: string; readonly path: string }[];
  /** Required with success: the repository point the extension wrote. */
  readonly manifestId?: string;
  readonly bytesRead?: number;
  readonly bytesNew?: number;
  /** Required with the success of a restore task: each disk written, its safety copy, the bytes written. */
  readonly restored?: readonly RestoredDiskReport[];
}

export interface RestoredDiskReport {
  readonly disk: string;
  readonly path: string;
  /** The reflink clone of the disk as it was before the restore. */
  readonly safetyPath: string;
  readonly bytesWritten: number;
  /** From the vault tier: bytes left alone because the disk already held them (equal chunk ids, or zeros over a hole). */
  readonly bytesUnchanged?: number;
  /** From the vault tier: chunks written (changed data, or zeros where the point has a hole) and chunks left alone. */
  readonly chunksWritten?: number;
  readonly chunksUnchanged?: number;
}

export interface TaskStatusReport {
  readonly taskId: string;
  readonly status: TaskReportStatus;
  readonly phase?: SnapshotPhaseName;
  /** 0–100 within the phase. */
  readonly progress?: number;
  readonly result?: TaskResultReport;
  /** Required with error: a code of Arca's error catalog and its message parameters. */
  readonly error?: { readonly code: string; readonly params: Readonly<Record<string, string | number>> };
}

export interface StatusReport {
  /** The goal state the agent has applied; deleted points listed up to it are forgotten. */
  readonly goalStateIncarnation?: number;
  readonly agent: AgentSelfReport;
  readonly extensions: readonly ExtensionStatusReport[];
  readonly tasks: readonly TaskStatusReport[];
}
