import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';

export const ARCA_BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'arca.js');

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `arca` binary with the Node.js running the tests, to completion. */
export async function runArca(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const child = spawn(process.execPath, [ARCA_BIN, ...args], {
    env: { ...process.env, ARCA_LANG: '', ARCA_OUTPUT: '', LANG: 'C', LC_ALL: '', LC_MESSAGES: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

export interface RunningServer {
  readonly child: ChildProcess;
  readonly url: string;
  readonly banner: string;
  /** Everything the server wrote so far (its log on stdout, the banner and more on stderr). */
  output(): string;
  stop(): Promise<number | null>;
}

/** Starts `arca server` on a free loopback port and resolves once it prints where it listens. */
export function startServer(dataDir: string, extraArgs: readonly string[] = []): Promise<RunningServer> {
  const child = spawn(process.execPath, [ARCA_BIN, 'server', '--data-dir', dataDir, '--port', '0', '--log-level', 'warn', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return serverProcess(child);
}

/** Follows a server child process until its banner names the URL; for any way of starting the server. */
export async function serverProcess(child: ChildProcessByStdio<null, Readable, Readable>): Promise<RunningServer> {
  let banner = '';
  let output = '';
  // Read stdout as well, so a chatty log level cannot fill the pipe and stall the server.
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.on('data', (chunk: string) => (output += chunk));
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      banner += chunk;
      const match = /listening on (https:\/\/\S+)/.exec(banner);
      if (match && banner.includes('error catalog:')) resolveUrl(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${banner}`)));
  });
  return {
    child,
    url,
    banner,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

/** Sends `signal` to a child process that is still running and waits for it to exit; nothing if it has ended. */
export async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}
