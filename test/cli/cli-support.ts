import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ARCA_BIN, type RunResult } from '../support/arca-process.ts';

const cliEnv = (configFile: string, env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  ARCA_LANG: '',
  ARCA_OUTPUT: '',
  ARCA_CONTEXT: '',
  LANG: 'C',
  LC_ALL: '',
  LC_MESSAGES: '',
  ARCA_CONFIG: configFile,
  ...env,
});

/**
 * Runs the real `arca` binary with a configuration file of the test's own (ARCA_CONFIG), in
 * English unless the arguments say otherwise, with `input` on standard input.
 */
export function cli(configFile: string) {
  return async (args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> => {
    const child = spawn(process.execPath, [ARCA_BIN, ...args], { env: cliEnv(configFile, options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // A command that exits without reading its input (a usage error) must not fail the test with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    const [code] = (await once(child, 'close')) as [number | null];
    return { code, stdout, stderr };
  };
}

/** A running `arca`: what it wrote so far, a wait for a line it is expected to write, and its end. */
export interface RunningArca {
  /** Standard output and standard error so far (one stream under a terminal). */
  output(): string;
  /** Resolves once the output matches; rejects when the process ends first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  readonly done: Promise<RunResult>;
}

const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/**
 * Starts the real `arca` binary and lets the test follow its output as it comes. With `terminal`,
 * it runs under a pseudo-terminal (util-linux `script`), so its standard streams are a TTY, as for
 * a person at a terminal; `stdout` then holds both streams, as the terminal showed them.
 */
export function startCli(configFile: string, args: readonly string[], options: { terminal?: boolean; env?: NodeJS.ProcessEnv } = {}): RunningArca {
  const command = [process.execPath, ARCA_BIN, ...args];
  const child = options.terminal
    ? spawn('script', ['-qefc', command.map(quote).join(' '), '/dev/null'], { env: cliEnv(configFile, options.env), stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(command[0] as string, command.slice(1), { env: cliEnv(configFile, options.env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const changed = () => waiters.forEach((w) => w());
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((stdout += chunk), changed()));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => ((stderr += chunk), changed()));
  child.stdin.on('error', () => undefined);
  // `script` ends the terminal session when its standard input ends: keep it open until the end.
  if (!options.terminal) child.stdin.end();
  let ended = false;
  const done = once(child, 'close').then(([code]) => {
    child.stdin.destroy();
    ended = true;
    changed();
    return { code: code as number | null, stdout, stderr };
  });
  return {
    output: () => stdout + stderr,
    done,
    waitFor(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => check(true), timeoutMs);
        const check = (timedOut = false) => {
          if (pattern.test(stdout + stderr)) resolve();
          else if (ended || timedOut) reject(new Error(`arca ${args.join(' ')} ${ended ? 'ended' : 'did not write'} ${pattern} ${ended ? 'without writing it' : `within ${timeoutMs} ms`}:\n${stdout}${stderr}`));
          else return;
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
