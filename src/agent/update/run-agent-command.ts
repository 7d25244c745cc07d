import type { Clock } from '../../core/clock.ts';
import { INSTALLATION_ROOT } from '../../platform/agent-package.ts';
import { loadAgentConfig, requireValidConfig } from '../config/load-agent-config.ts';
import { jsonLog } from '../daemon/agent-log.ts';
import { runAgent, type RunAgentDeps } from '../run-agent.ts';
import { AGENT_READY_MESSAGE, AGENT_RESTART_EXIT_CODE, superviseAgent, SUPERVISED_ENV } from './agent-supervisor.ts';
import { spawnAgent } from './spawn-agent.ts';

export interface AgentCommandDeps extends RunAgentDeps {
  readonly clock: Clock;
  readonly env: NodeJS.ProcessEnv;
  /** The IPC channel to a supervisor, when this process is a supervised child. */
  readonly send?: (message: unknown) => void;
}

/**
 * What `arca agent run` is (ADR 7). With AutoUpdate.Enabled=n: the daemon itself, in this process,
 * as the installed version. With AutoUpdate.Enabled=y: the supervisor, which runs the newest good
 * version as a child; the child (SUPERVISED_ENV set) runs the daemon, tells the supervisor when it
 * first reported, and exits with AGENT_RESTART_EXIT_CODE when it has an update ready. Returns the
 * process's exit code.
 */
export async function runAgentCommand(configPath: string | undefined, signal: AbortSignal, deps: AgentCommandDeps): Promise<number> {
  if (deps.env[SUPERVISED_ENV] === '1') {
    const exit = await runAgent(configPath, signal, { ...deps, onReported: () => deps.send?.({ type: AGENT_READY_MESSAGE, version: deps.version }) });
    return exit.restartInto ? AGENT_RESTART_EXIT_CODE : 0;
  }
  const { config } = requireValidConfig(await loadAgentConfig(configPath));
  if (!config.autoUpdateEnabled) {
    await runAgent(configPath, signal, deps);
    return 0;
  }
  const log = jsonLog(deps.write, deps.clock, { verbose: config.logsVerbose, base: { component: 'supervisor' } });
  await superviseAgent(signal, {
    libDir: config.libDir,
    own: { version: deps.version, installation: INSTALLATION_ROOT },
    launch: (target) => spawnAgent(target, configPath),
    log,
    clock: deps.clock,
  });
  return 0;
}
