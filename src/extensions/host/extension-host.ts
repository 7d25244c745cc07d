import type { DeletedInstantPoint, ExtensionGoal, ExtensionStatusReport, SnapshotTaskGoal, TaskStatusReport } from '../../protocol/index.ts';
import type { HandlerManifest } from './handler-manifest.ts';

export interface ReconcileOptions {
  /** Instant points that left their collections: the snapshot extension removes their files. */
  readonly deletedInstantPoints?: readonly DeletedInstantPoint[];
}

export interface RunTaskOptions {
  /** Aborted when the vault calls the task off: the extension is stopped (it thaws) and the task reports cancelled work as an error. */
  readonly signal?: AbortSignal;
  /** The vault asks for the handler to be removed and installed again first (it reported it failed). */
  readonly reinstall?: boolean;
}

export type ProgressReporter = (report: TaskStatusReport) => void | Promise<void>;

/**
 * What the agent daemon asks of the extensions on its machine. `reconcile` brings the handlers to
 * what the goal state lists (install, enable with new settings, update, remove the unlisted) and
 * returns their statuses; `handlerStatuses` reads them again for the next status report; `runTask`
 * runs one task through its extension, passing on every report the extension writes, and returns
 * the last. A handler in a failed state is removed and reinstalled before a task runs on it.
 */
export interface ExtensionHost {
  reconcile(extensions: readonly ExtensionGoal[], options?: ReconcileOptions): Promise<readonly ExtensionStatusReport[]>;
  handlerStatuses(): Promise<readonly ExtensionStatusReport[]>;
  runTask(task: SnapshotTaskGoal, reportProgress: ProgressReporter, options?: RunTaskOptions): Promise<TaskStatusReport>;
}

/** Where handler packages come from: the extensions shipped with this agent, by name and version. */
export interface HandlerPackages {
  manifest(name: string, version: string): HandlerManifest | undefined;
}
