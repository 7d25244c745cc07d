import { spawn } from 'node:child_process';
import { binOf } from './update-state.ts';
import { AGENT_READY_MESSAGE, SUPERVISED_ENV, type AgentTarget, type ChildRun } from './agent-supervisor.ts';

/**
 * Starts `arca agent run` of an installation as the supervisor's child, with the Node.js that runs
 * the supervisor: its logs go where the supervisor's go, and an IPC channel carries its one message
 * (it reported to the vault). SUPERVISED_ENV makes the child run the daemon itself.
 */
export function spawnAgent(target: AgentTarget, configPath: string | undefined): ChildRun {
  const child = spawn(process.execPath, [binOf(target.installation), 'agent', 'run', ...(configPath === undefined ? [] : ['--config', configPath])], {
    cwd: target.installation,
    env: { ...process.env, [SUPERVISED_ENV]: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = new Promise<void>((resolve) => {
    child.on('message', (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type === AGENT_READY_MESSAGE) resolve();
    });
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: 'spawn error' }));
  });
  return {
    ready,
    exited,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
