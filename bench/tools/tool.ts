import type { ProcessResult } from '../measure.ts';

export const TOOL_NAMES = ['arca', 'restic', 'borg'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export const BACKUP_PHASES = ['initial', 'incremental'] as const;
export type BackupPhase = (typeof BACKUP_PHASES)[number];

/** What every tool is given: its own folder, the image it backs up, and the shared passphrase. */
export interface ToolContext {
  /** A folder of the tool's own: repository, cache and home live under it. */
  folder: string;
  imagePath: string;
  passphrase: string;
}

export type Probe = { ok: true; version: string } | { ok: false; reason: string };

export interface BackupRun {
  result: ProcessResult;
  /** Figures the tool reports about itself, passed through to the JSON output. */
  details?: Record<string, unknown>;
}

export interface RestoreRun {
  result: ProcessResult;
  /** Where the restored image landed; the caller verifies and removes it. */
  restoredFile: string;
}

/**
 * One backup program driven through its command line. Each method runs one real process;
 * backup and restore are measured, probe and init are not.
 */
export interface BenchTool {
  readonly name: ToolName;
  /** The repository folder whose size is the tool's stored bytes. */
  readonly repository: string;
  /** The settings in effect, in a sentence, for the report. */
  readonly settings: string;
  probe(): Promise<Probe>;
  init(): Promise<void>;
  backup(phase: BackupPhase): Promise<BackupRun>;
  /** Restores the latest backup (the incremental one) into `targetDir`. */
  restore(targetDir: string): Promise<RestoreRun>;
  /**
   * Backs up the same image again, reading and hashing all of it although nothing in it is new
   * (Arca only: its unchanged-data path, against sha256sum). Runs after the restores.
   */
  rereadBackup?(): Promise<BackupRun>;
}
