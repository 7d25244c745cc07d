import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

/**
 * Runs killed-writer.ts with `args` in a child process, waits until it reports that it is
 * writing, and kills it with SIGKILL: no cleanup code of the writer gets to run.
 */
export async function killMidWrite(args: readonly string[]): Promise<void> {
  const child = fork(join(import.meta.dirname, 'killed-writer.ts'), args, {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const [message] = await Promise.race([
    once(child, 'message'),
    exited.then(([code]) => assert.fail(`the writer exited (${code}) before it started writing`)),
  ]);
  assert.equal(message, 'writing');
  child.kill('SIGKILL');
  const [, signal] = await exited;
  assert.equal(signal, 'SIGKILL');
}
