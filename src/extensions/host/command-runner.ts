import { spawn } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface CommandRun {
  readonly argv: readonly string[];
  readonly timeoutMs: number;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** stdout and stderr are appended here. */
  readonly logFile: string;
  /** Time between SIGTERM and SIGKILL of the process group when the command must stop. */
  readonly killGraceMs?: number;
  readonly signal?: AbortSignal;
}

export interface CommandOutcome {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** The last lines the command wrote, for the failure message. */
  readonly outputTail: string;
}

const TAIL_BYTES = 2048;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/**
 * Runs one handler command as a child process in its own process group, so that a timeout or an
 * abort stops everything it started (SIGTERM to the group, SIGKILL after a grace period). Processes
 * that leave the group on purpose — the freeze watchdog — are not touched: they outlive it.
 */
export async function runCommand(run: CommandRun): Promise<CommandOutcome> {
  const [file, ...args] = run.argv;
  if (file === undefined) throw new Error('empty command');
  await mkdir(dirname(run.logFile), { recursive: true });
  const log = await open(run.logFile, 'a', 0o600);
  try {
    await log.write(`--- ${run.argv.join(' ')}\n`);
    const child = spawn(file, args, { cwd: run.cwd, env: { ...process.env, ...run.env }, detached: true, stdio: ['ignore', log.fd, log.fd] });
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (child.pid === undefined) return;
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid as number, 'SIGKILL'), run.killGraceMs ?? 2000);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, run.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    run.signal?.addEventListener('abort', onAbort, { once: true });
    if (run.signal?.aborted) onAbort();
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, sig) => resolve([code, sig]));
    }).finally(() => {
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
    });
    // The group may still hold children of the command; a finished command leaves nothing behind.
    if (child.pid !== undefined && (timedOut || aborted)) killGroup(child.pid, 'SIGKILL');
    clearTimeout(killTimer);
    return { exitCode, signal, timedOut, aborted, outputTail: await tail(run.logFile) };
  } finally {
    await log.close();
  }
}

async function tail(path: string): Promise<string> {
  const text = await readFile(path, 'utf8');
  return text.slice(-TAIL_BYTES).trim();
}

export function describeOutcome(outcome: CommandOutcome, timeoutMs: number): string {
  if (outcome.timedOut) return `it did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`;
  if (outcome.aborted) return 'it was stopped';
  if (outcome.signal) return `it was killed by ${outcome.signal}`;
  return `it exited with code ${outcome.exitCode}`;
}
