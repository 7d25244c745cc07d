import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.ts';
import { ArcaError, entryFor, type CatalogCode } from '../../core/errors/index.ts';
import {
  SNAPSHOT_EXTENSION,
  SNAPSHOT_EXTENSION_VERSION,
  type DeletedInstantPoint,
  type ExtensionGoal,
  type ExtensionStatusReport,
  type SnapshotTaskGoal,
  type TaskStatusReport,
} from '../../protocol/index.ts';
import type { ExtensionHost, HandlerPackages, ProgressReporter, ReconcileOptions, RunTaskOptions } from './extension-host.ts';
import { handlerPaths } from './handler-files.ts';
import { disableHandler, enableHandler, installHandler, removeHandler, runHandlerCommand, type Handler, type LifecycleContext } from './handler-lifecycle.ts';
import { handlerDirName, type HandlerManifest } from './handler-manifest.ts';
import { moveHandler, readHandlerState, recordHandlerFailure } from './handler-state-store.ts';
import { readSettings, sequenceNumbers, writeNextSettings, type JsonObject } from './settings-files.ts';
import { latestStatusSequence, readStatus } from './status-files.ts';
import { pollTaskReports } from './task-status-poller.ts';

export interface ProcessExtensionHostOptions {
  /** Handlers live in `<libDir>/<name>-<version>/` (the agent's `Lib.Dir`). */
  readonly libDir: string;
  readonly packages: HandlerPackages;
  readonly clock: Clock;
  readonly machine: { readonly id: string; readonly name: string };
  /** Secrets for a handler's protected settings (the upload channel's credentials). */
  readonly protectedSettings?: (name: string) => JsonObject;
  readonly statusPollMs?: number;
  readonly killGraceMs?: number;
}

/** Runs extension handlers as child processes from their manifests (see README.md). */
export class ProcessExtensionHost implements ExtensionHost {
  readonly #options: ProcessExtensionHostOptions;
  readonly #context: LifecycleContext;
  readonly #deleted = new Map<string, readonly DeletedInstantPoint[]>();

  constructor(options: ProcessExtensionHostOptions) {
    this.#options = options;
    this.#context = { clock: options.clock, vmName: options.machine.name, ...(options.killGraceMs === undefined ? {} : { killGraceMs: options.killGraceMs }) };
  }

  #handler(manifest: HandlerManifest): Handler {
    return { manifest, paths: handlerPaths(join(this.#options.libDir, handlerDirName(manifest))) };
  }

  /** Handlers present on disk, as their folders' manifests name them. */
  async #installed(): Promise<Handler[]> {
    let names: string[];
    try {
      names = await readdir(this.#options.libDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const handlers: Handler[] = [];
    for (const name of names.toSorted()) {
      const cut = name.lastIndexOf('-');
      const manifest = cut > 0 ? this.#options.packages.manifest(name.slice(0, cut), name.slice(cut + 1)) : undefined;
      if (manifest && handlerDirName(manifest) === name) handlers.push(this.#handler(manifest));
    }
    return handlers;
  }

  #publicSettings(name: string, goal: ExtensionGoal | undefined, tasks: readonly SnapshotTaskGoal[]): JsonObject {
    return { ...goal?.settings, machine: this.#options.machine, tasks, deletedInstantPoints: this.#deleted.get(name) ?? [] };
  }

  async reconcile(extensions: readonly ExtensionGoal[], options: ReconcileOptions = {}): Promise<readonly ExtensionStatusReport[]> {
    for (const goal of extensions) {
      if (goal.name === SNAPSHOT_EXTENSION) this.#deleted.set(goal.name, options.deletedInstantPoints ?? []);
      const manifest = this.#options.packages.manifest(goal.name, goal.version);
      if (!manifest) continue;
      const failed = await this.#bring(this.#handler(manifest), goal);
      if (failed && !manifest.continueOnFailure) break;
    }
    const wanted = new Set(extensions.map((goal) => handlerDirName(goal)));
    for (const handler of await this.#installed()) {
      const sameName = extensions.some((goal) => goal.name === handler.manifest.name);
      if (!wanted.has(handlerDirName(handler.manifest)) && !sameName) await removeHandler(handler, this.#context);
    }
    return this.handlerStatuses();
  }

  /** Brings one handler to enabled with the goal's settings; true when it is (or stays) failed. */
  async #bring(handler: Handler, goal: ExtensionGoal): Promise<boolean> {
    const record = await readHandlerState(handler.paths.state);
    // A failed handler waits for the next task, which removes and reinstalls it.
    if (record.failure !== undefined || record.state === 'FailedUpgrade') return true;
    if (record.state === 'NotInstalled') {
      const older = (await this.#installed()).filter((h) => h.manifest.name === handler.manifest.name && h.manifest.version !== handler.manifest.version);
      const failed = older.length > 0 ? await this.#update(older, handler) : await installHandler(handler, this.#context);
      if (failed) return true;
    }
    const settings = this.#publicSettings(goal.name, goal, []);
    const current = await readHandlerState(handler.paths.state);
    if (current.state === 'Enabled' && (await this.#sameSettings(handler, settings))) return false;
    const sequence = await writeNextSettings(handler.paths.configDir, { publicSettings: settings, protectedSettings: this.#options.protectedSettings?.(goal.name) ?? {} });
    return (await enableHandler(handler, sequence, this.#context)) !== undefined;
  }

  async #sameSettings(handler: Handler, settings: JsonObject): Promise<boolean> {
    const latest = (await sequenceNumbers(handler.paths.configDir)).at(-1);
    if (latest === undefined) return false;
    return JSON.stringify((await readSettings(handler.paths.configDir, latest)).publicSettings) === JSON.stringify(settings);
  }

  /**
   * waagent's update: the new version's update command runs while the old one is still enabled; if
   * it fails the old handler goes to FailedUpgrade. Otherwise the old is disabled and removed and
   * the new one counts as installed.
   */
  async #update(older: readonly Handler[], next: Handler): Promise<ArcaError | undefined> {
    const failed = await installHandler(next, this.#context, 'update');
    if (failed) {
      for (const old of older) await recordHandlerFailure(old.paths.state, { command: 'update', code: failed.code, message: failed.message });
      return failed;
    }
    for (const old of older) {
      if ((await readHandlerState(old.paths.state)).state === 'Enabled') await disableHandler(old, this.#context);
      await removeHandler(old, this.#context);
    }
    return undefined;
  }

  async handlerStatuses(): Promise<readonly ExtensionStatusReport[]> {
    const reports: ExtensionStatusReport[] = [];
    for (const handler of await this.#installed()) {
      const record = await readHandlerState(handler.paths.state);
      const base = { name: handler.manifest.name, version: handler.manifest.version, handlerState: record.state };
      if (record.failure) {
        reports.push({ ...base, status: { status: 'error', code: entryFor(record.failure.code as CatalogCode).numericCode, message: record.failure.message } });
        continue;
      }
      const sequence = await latestStatusSequence(handler.paths.statusDir);
      const status = sequence === undefined ? undefined : await readStatus(handler.paths.statusDir, sequence);
      // A task that failed (a freeze refused, a vault unreachable) is the task's failure, not the handler's: a warning, which leaves the machine's provisioning state alone.
      const shown = status?.task !== undefined && status.status === 'error' ? 'warning' : status?.status;
      reports.push(status && shown ? { ...base, status: { status: shown, code: status.code, message: status.message } } : base);
    }
    return reports;
  }

  async runTask(task: SnapshotTaskGoal, reportProgress: ProgressReporter, options: RunTaskOptions = {}): Promise<TaskStatusReport> {
    const manifest = this.#options.packages.manifest(SNAPSHOT_EXTENSION, SNAPSHOT_EXTENSION_VERSION);
    if (!manifest) return errorReport(task, new ArcaError('UserErrorExtensionInstallationFailed', { vmName: this.#options.machine.name, reason: `this agent carries no ${SNAPSHOT_EXTENSION} ${SNAPSHOT_EXTENSION_VERSION}` }));
    const handler = this.#handler(manifest);
    const record = await readHandlerState(handler.paths.state);
    if (record.failure !== undefined || record.state === 'FailedUpgrade' || (options.reinstall === true && record.state !== 'NotInstalled')) await removeHandler(handler, this.#context);
    if ((await readHandlerState(handler.paths.state)).state === 'NotInstalled') {
      const failed = await installHandler(handler, this.#context);
      if (failed) return errorReport(task, failed);
    }
    const sequence = await writeNextSettings(handler.paths.configDir, {
      publicSettings: this.#publicSettings(manifest.name, undefined, [task]),
      protectedSettings: this.#options.protectedSettings?.(manifest.name) ?? {},
    });
    const poller = pollTaskReports(handler.paths.statusDir, sequence, task.taskId, reportProgress, this.#options.statusPollMs ?? 200);
    const outcome = await runHandlerCommand(handler, 'enable', sequence, this.#context, options.signal).finally(() => poller.stop());
    await poller.done;
    const last = poller.last();
    const settled = last !== undefined && (last.status === 'success' || last.status === 'error');
    // An extension that exits cleanly mid-task (snapshot taken, transfer left to another channel) is not failed.
    if (last && (settled || (outcome.exitCode === 0 && !outcome.timedOut))) {
      await moveHandler(handler.paths.state, 'Enabled');
      return last;
    }
    if (outcome.aborted) return errorReport(task, new ArcaError('OperationCancelled', { reason: 'the vault called the task off' }));
    const failure = new ArcaError('ExtensionOperationFailedForManagedDisks', { vmName: this.#options.machine.name });
    await recordHandlerFailure(handler.paths.state, { command: 'enable', code: failure.code, message: `task ${task.taskId} ended without a result (exit ${outcome.exitCode ?? outcome.signal}${outcome.timedOut ? ', timed out' : ''})` });
    return errorReport(task, failure);
  }
}

function errorReport(task: SnapshotTaskGoal, error: ArcaError): TaskStatusReport {
  return { taskId: task.taskId, status: 'error', phase: 'snapshot', error: { code: error.code, params: wireParams(error) } };
}

/** The protocol carries strings and numbers only. */
export function wireParams(error: ArcaError): Record<string, string | number> {
  return Object.fromEntries(Object.entries(error.params).map(([key, value]) => [key, typeof value === 'boolean' ? String(value) : value]));
}
