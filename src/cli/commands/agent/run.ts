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
    .action(async (opts: { config?: string }) => {
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      try {
        const { runAgent } = await import('../../../agent/run-agent.ts');
        await runAgent(opts.config, controller.signal, {
          clock: systemClock,
          monotonic: () => performance.now(),
          version: ARCA_VERSION,
          write: (line) => process.stdout.write(line),
          ...(extensionHost ? { extensionHost } : {}),
        });
      } finally {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
      }
    });
}
