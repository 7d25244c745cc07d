import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.ts';
import { ArcaError } from '../../core/errors/index.ts';
import { writeFileAtomic } from '../../platform/files.ts';
import { describeOutcome, runCommand, type CommandOutcome } from './command-runner.ts';
import { handlerEnvironment, type HandlerPaths } from './handler-files.ts';
import type { HandlerCommandName, HandlerManifest } from './handler-manifest.ts';
import { moveHandler, readHandlerState, recordHandlerFailure } from './handler-state-store.ts';
import { readStatus } from './status-files.ts';

/** One handler on disk with what running its commands needs. */
export interface Handler {
  readonly manifest: HandlerManifest;
  readonly paths: HandlerPaths;
}

export interface LifecycleContext {
  readonly clock: Clock;
  readonly vmName: string;
  readonly killGraceMs?: number;
}

/** Runs one of the handler's commands for a sequence number, its output in `logs/<command>.log`. */
export function runHandlerCommand(handler: Handler, command: HandlerCommandName, sequence: number, context: LifecycleContext, signal?: AbortSignal): Promise<CommandOutcome> {
  const spec = handler.manifest.commands[command];
  return runCommand({
    argv: spec.argv,
    timeoutMs: spec.timeoutSeconds * 1000,
    cwd: handler.paths.dir,
    env: handlerEnvironment(handler.paths, sequence),
    logFile: join(handler.paths.logDir, `${command}.log`),
    ...(context.killGraceMs === undefined ? {} : { killGraceMs: context.killGraceMs }),
    ...(signal === undefined ? {} : { signal }),
  });
}

/** The catalog error a failed command stands for: an install has its own code, the rest share one. */
export function commandFailure(handler: Handler, command: HandlerCommandName, reason: string, vmName: string): ArcaError {
  if (command === 'install') return new ArcaError('UserErrorExtensionInstallationFailed', { vmName, reason: `${handler.manifest.name}: ${reason}` });
  return new ArcaError('ExtensionOperationFailedForManagedDisks', { vmName });
}

/** Runs a command; on failure records it in the handler state (reported until a command succeeds) and returns the error. */
async function attempt(handler: Handler, command: HandlerCommandName, sequence: number, context: LifecycleContext): Promise<ArcaError | undefined> {
  const outcome = await runHandlerCommand(handler, command, sequence, context);
  if (outcome.exitCode === 0 && !outcome.timedOut) return undefined;
  const reason = `${command} ${describeOutcome(outcome, handler.manifest.commands[command].timeoutSeconds * 1000)}${outcome.outputTail ? `: ${outcome.outputTail.split('\n').at(-1)}` : ''}`;
  const error = commandFailure(handler, command, reason, context.vmName);
  await recordHandlerFailure(handler.paths.state, { command, code: error.code, message: reason });
  return error;
}

/**
 * Lays the handler's folder out and runs its install command (or, when it replaces an older
 * version, its update command): NotInstalled → Installed.
 */
export async function installHandler(handler: Handler, context: LifecycleContext, command: 'install' | 'update' = 'install'): Promise<ArcaError | undefined> {
  const { paths, manifest } = handler;
  for (const dir of [paths.configDir, paths.statusDir, paths.stateDir, paths.logDir]) await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  const failed = await attempt(handler, command, 0, context);
  if (failed) return failed;
  await moveHandler(paths.state, 'Installed');
  return undefined;
}

/**
 * Runs enable for a sequence number whose settings are written. It succeeds when the command exits
 * 0 and its status for that number is not `error`: Installed (or FailedUpgrade) → Enabled.
 */
export async function enableHandler(handler: Handler, sequence: number, context: LifecycleContext): Promise<ArcaError | undefined> {
  const failed = await attempt(handler, 'enable', sequence, context);
  if (failed) return failed;
  const status = await readStatus(handler.paths.statusDir, sequence);
  if (status?.status === 'error') {
    const error = commandFailure(handler, 'enable', status.message, context.vmName);
    await recordHandlerFailure(handler.paths.state, { command: 'enable', code: error.code, message: status.message });
    return error;
  }
  await moveHandler(handler.paths.state, 'Enabled');
  return undefined;
}

/**
 * Takes a handler away whatever its state: disable when enabled, uninstall when installed (each
 * best effort — a broken handler must still be removable), then its folder goes.
 */
export async function removeHandler(handler: Handler, context: LifecycleContext): Promise<void> {
  const { state } = await readHandlerState(handler.paths.state);
  if (state === 'Enabled') await runHandlerCommand(handler, 'disable', 0, context);
  if (state !== 'NotInstalled') await runHandlerCommand(handler, 'uninstall', 0, context);
  await rm(handler.paths.dir, { recursive: true, force: true });
}

/** Disables an enabled handler: Enabled → Installed (waagent has no Disabled state). */
export async function disableHandler(handler: Handler, context: LifecycleContext): Promise<ArcaError | undefined> {
  const failed = await attempt(handler, 'disable', 0, context);
  if (failed) return failed;
  await moveHandler(handler.paths.state, 'Installed');
  return undefined;
}
