import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ArcaError } from '../../core/errors/index.ts';
import { describeOutcome, runCommand } from '../host/command-runner.ts';

export interface ScriptConfig {
  readonly path: string;
  readonly timeoutSeconds: number;
  /** Further attempts after a failure. */
  readonly retries: number;
  /** When the script still fails, go on with a file-system-consistent point instead of failing. */
  readonly continueOnFailure: boolean;
}

export type ScriptStage = 'pre' | 'post';

export interface ScriptResult {
  readonly ok: boolean;
  readonly attempts: number;
  readonly reason?: string;
}

const STICKY = 0o1000;

/**
 * Why a script may not run as root, or undefined when it may: it must be a regular file owned by
 * root and writable by no one else, in folders that only root can change (a root-owned folder with
 * the sticky bit, like /tmp, lets no one else rename what root put there).
 */
export async function scriptRefusal(path: string): Promise<string | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    return `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  if (!info.isFile()) return 'it is not a regular file';
  if (info.uid !== 0) return `it is owned by user ${info.uid}, not by root`;
  if ((info.mode & 0o020) !== 0) return 'its group may write to it';
  if ((info.mode & 0o002) !== 0) return 'anyone may write to it';
  if ((info.mode & 0o100) === 0) return 'it is not executable by its owner';
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const folder = await stat(dir);
    if (folder.uid !== 0) return `folder ${dir} is owned by user ${folder.uid}, not by root`;
    if ((folder.mode & 0o022) !== 0 && (folder.mode & STICKY) === 0) return `folder ${dir} may be changed by users other than root`;
    if (dir === dirname(dir)) return undefined;
  }
}

/**
 * Runs a pre-script or post-script after checking its permissions (refused with
 * UserErrorPrePostScriptNotSecure), with its timeout and retries. A failure is
 * UserErrorPrePostScriptFailed unless the configuration lets the snapshot go on without it.
 */
export async function runScript(stage: ScriptStage, script: ScriptConfig, options: { readonly vmName: string; readonly logDir: string; readonly signal?: AbortSignal }): Promise<ScriptResult> {
  const refusal = await scriptRefusal(script.path);
  if (refusal !== undefined) throw new ArcaError('UserErrorPrePostScriptNotSecure', { vmName: options.vmName, scriptPath: script.path, reason: refusal });
  let reason = '';
  const attempts = script.retries + 1;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const outcome = await runCommand({
      argv: [script.path],
      timeoutMs: script.timeoutSeconds * 1000,
      cwd: dirname(script.path),
      env: { ARCA_SCRIPT_STAGE: stage },
      logFile: join(options.logDir, `${stage}-script.log`),
      killGraceMs: 1000,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (outcome.exitCode === 0 && !outcome.timedOut) return { ok: true, attempts: attempt };
    reason = describeOutcome(outcome, script.timeoutSeconds * 1000);
    if (outcome.aborted) break;
  }
  if (!script.continueOnFailure) {
    throw new ArcaError('UserErrorPrePostScriptFailed', { vmName: options.vmName, stage, scriptPath: script.path, attempts, reason });
  }
  return { ok: false, attempts, reason };
}
