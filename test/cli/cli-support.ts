import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ARCA_BIN, type RunResult } from '../support/arca-process.ts';

/**
 * Runs the real `arca` binary with a configuration file of the test's own (ARCA_CONFIG), in
 * English unless the arguments say otherwise, with `input` on standard input.
 */
export function cli(configFile: string) {
  return async (args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> => {
    const child = spawn(process.execPath, [ARCA_BIN, ...args], {
      env: { ...process.env, ARCA_LANG: '', ARCA_OUTPUT: '', ARCA_CONTEXT: '', LANG: 'C', LC_ALL: '', LC_MESSAGES: '', ARCA_CONFIG: configFile, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.end(options.input ?? '');
    const [code] = (await once(child, 'close')) as [number | null];
    return { code, stdout, stderr };
  };
}
