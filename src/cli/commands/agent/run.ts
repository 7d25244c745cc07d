import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import type { ExtensionHostFactory } from '../../../agent/extension-host.ts';
import { systemClock } from '../../../platform/system-clock.ts';
import { ARCA_VERSION } from '../../../platform/version.ts';

/** `arca agent run`: the daemon, in the foreground (systemd runs it so); JSON logs on stdout; SIGTERM stops it cleanly. */
export function runCommand(extensionHost?: ExtensionHostFactory): Command {
  return new Command('run')
    .description('run the agent daemon: pull the goal state, run extensions, report status and heartbeat (stops on SIGTERM)')
    .option('--config <file>', 'configuration file (default /etc/arca/agent.conf)')
    .addHelpText('after', '\nExamples:\n  sudo systemctl start arca-agent          # how it normally runs (ExecStart=arca agent run)\n  sudo arca agent run --config /etc/arca/agent.conf   # in the foreground, JSON logs on stdout\n')
    .action(async (opts: { config?: string }) => {
      const controller = new AbortController();
      // `on`, not `once`: under the supervisor (AutoUpdate.Enabled=y) systemd's SIGTERM may reach a
      // child agent twice (from systemd and from the supervisor); the second must not kill it mid-report.
      const stop = () => controller.abort();
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      // A supervised child's IPC channel must not keep it alive once the daemon has stopped.
      process.channel?.unref();
      try {
        const { runAgentCommand } = await import('../../../agent/update/run-agent-command.ts');
        const code = await runAgentCommand(opts.config, controller.signal, {
          clock: systemClock,
          monotonic: () => performance.now(),
          version: ARCA_VERSION,
          write: (line) => process.stdout.write(line),
          env: process.env,
          ...(process.send ? { send: (message: unknown) => process.send?.(message) } : {}),
          ...(extensionHost ? { extensionHost } : {}),
        });
        if (code !== 0) process.exitCode = code;
      } finally {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
      }
    });
}
