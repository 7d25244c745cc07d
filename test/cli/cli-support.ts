import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARCA_BIN, startServer, type RunningServer, type RunResult } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';

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

/** A real `arca server` in a fresh data folder, and the real CLI signed in to it as its admin. */
export interface SignedInCli {
  readonly dataDir: string;
  /** The test's own folder (the CLI's config file, the machines' disks). */
  readonly workDir: string;
  readonly configFile: string;
  readonly server: RunningServer;
  readonly arm: ArmTestClient;
  readonly arca: ReturnType<typeof cli>;
}

/**
 * Starts a server (with `serverArgs`, default `--retry-after 0`) and signs the CLI in with the
 * admin token; with `vault`, also creates vault1 in group prod in westeurope and makes it the
 * context's default. The caller stops the server and removes both folders.
 */
export async function signedInCli(prefix: string, options: { serverArgs?: readonly string[]; vault?: boolean } = {}): Promise<SignedInCli> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const workDir = await mkdtemp(join(tmpdir(), `${prefix}machine-`));
  const configFile = join(workDir, 'config.json');
  const server = await startServer(dataDir, [...(options.serverArgs ?? ['--retry-after', '0'])]);
  const adminToken = join(dataDir, 'admin-token');
  const arm = await ArmTestClient.forDataDir(dataDir, (await readFile(adminToken, 'utf8')).trim());
  const arca = cli(configFile);
  const step = async (args: readonly string[]) => {
    const run = await arca(args);
    assert.equal(run.code, 0, `arca ${args.join(' ')}: ${run.stderr}`);
  };
  await step(['login', '--server', server.url, '--ca', arm.info.caFile, '--token-file', adminToken]);
  if (options.vault) {
    await step(['vault', 'create', 'vault1', '--resource-group', 'prod', '--location', 'westeurope']);
    await step(['context', 'set', '--vault', 'vault1', '--resource-group', 'prod']);
  }
  return { dataDir, workDir, configFile, server, arm, arca };
}
