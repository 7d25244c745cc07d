import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Runs one system command (dmsetup, losetup, blockdev) and returns its standard output; rejects
 * when it cannot start or exits with a status other than 0. A port so that the device-mapper
 * sequence can be checked command by command without a kernel that has device-mapper.
 */
export type CommandRunner = (command: string, args: readonly string[]) => Promise<string>;

/** The real runner: no shell, a bounded time, output as text. */
export function execRunner(timeoutMs = 30_000): CommandRunner {
  return async (command, args) => (await run(command, [...args], { timeout: timeoutMs, encoding: 'utf8' })).stdout;
}
