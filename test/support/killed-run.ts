import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ARCA_BIN, runArca } from './arca-process.ts';

/**
 * Runs `arca ARGS` and kills it with SIGKILL after `afterMs`, as a crash would; true when the kill
 * landed before the command ended by itself.
 */
export async function runArcaKilledAfter(args: readonly string[], env: NodeJS.ProcessEnv, afterMs: number): Promise<boolean> {
  const child = spawn(process.execPath, [ARCA_BIN, ...args], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const killAt = setTimeout(() => child.kill('SIGKILL'), afterMs);
  const [, signal] = await exited;
  clearTimeout(killAt);
  return signal === 'SIGKILL';
}

/** `arca repo verify` of `repo` exits 0 and finds no problem. */
export async function assertRepositoryVerifies(repo: string, env: NodeJS.ProcessEnv, when: string): Promise<void> {
  const verify = await runArca(['repo', 'verify', '--repo', repo, '-o', 'json'], env);
  assert.equal(verify.code, 0, `verify ${when}: ${verify.stderr}`);
  assert.deepEqual((JSON.parse(verify.stdout) as { problems: unknown[] }).problems, []);
}
