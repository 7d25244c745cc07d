import type { MetadataStore } from '../persistence/index.ts';
import type { AgentTaskNotifier } from '../agents/index.ts';
import type { RecoveryPointManifest } from '../../storage/points/manifest.ts';

/** The waits of a backup, all configurable (`arca server` options) so that tests can shorten them. */
export interface BackupWindows {
  /** An agent silent longer than this is Unresponsive (default 10 min). */
  readonly agentUnresponsiveMs: number;
  /** A snapshot task no agent picked up within this fails with UserErrorGuestAgentStatusUnavailable (default 10 min). */
  readonly taskPickupMs: number;
  /** A picked-up task silent this long fails with GuestAgentSnapshotTaskStatusError (default 30 min). */
  readonly taskSilenceMs: number;
  /** How often a waiting handler re-reads its task and job without being woken (default 1 s). */
  readonly pollMs: number;
}

export const DEFAULT_BACKUP_WINDOWS: BackupWindows = {
  agentUnresponsiveMs: 10 * 60_000,
  taskPickupMs: 10 * 60_000,
  taskSilenceMs: 30 * 60_000,
  pollMs: 1000,
};

export interface BackupFlowDeps {
  readonly store: MetadataStore;
  readonly notifier: AgentTaskNotifier;
  /** Reads a point's manifest from the vault's repository (throws RecoveryPointNotFound when there is none). */
  readonly loadPoint: (manifestId: string, signal?: AbortSignal) => Promise<RecoveryPointManifest>;
  readonly windows: BackupWindows;
  /** The Backup service identity (arm/backup-service-identity.ts): the key vaults of encrypted machines must grant it get and list. */
  readonly backupServiceObjectId: string;
  /** The oldest agent version the vault supports (ADR 7); absent, any. */
  readonly minimumAgentVersion?: string;
}
