import { Command, Option } from 'commander';
import { invalidArgument } from '../core/errors/index.ts';
import { isAgentVersion } from '../core/versions/agent-version.ts';
import type { ServerOptions } from './main.ts';

export const DEFAULT_PORT = 8443;

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalidArgument('--port', `"${value}" is not a port number (0-65535)`);
  return port;
}

function parseSchedulerInterval(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) throw invalidArgument('--scheduler-interval', `"${value}" is not a whole number of seconds from 1 to 3600`);
  return seconds;
}

function secondsParser(option: string, max: number): (value: string) => number {
  return (value) => {
    const seconds = Number(value);
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > max) throw invalidArgument(option, `"${value}" is not a whole number of seconds from 1 to ${max}`);
    return seconds;
  };
}

function parseAgentVersionOption(value: string): string {
  if (!isAgentVersion(value)) throw invalidArgument('--agent-min-version', `"${value}" is not a version such as 0.1.0`);
  return value;
}

function parseRetryAfter(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 600) throw invalidArgument('--retry-after', `"${value}" is not a whole number of seconds from 0 to 600`);
  return seconds;
}

export function serverCommand(): Command {
  return new Command('server')
    .description('run the vault: REST API, jobs, scheduler and repository')
    .addOption(new Option('--data-dir <dir>', 'where metadata, keys and certificates live').env('ARCA_HOME').default('.arca'))
    .addOption(new Option('--host <address>', 'address to listen on').env('ARCA_HOST').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'HTTPS port (0 picks a free one)').env('ARCA_PORT').default(DEFAULT_PORT).argParser(parsePort))
    .addOption(
      new Option('--retry-after <seconds>', 'Retry-After suggested to clients polling a running operation (0: let them choose)')
        .env('ARCA_RETRY_AFTER_SECONDS')
        .default(2)
        .argParser(parseRetryAfter),
    )
    .addOption(
      new Option('--scheduler-interval <seconds>', 'seconds between looks for scheduled backups that are due')
        .env('ARCA_SCHEDULER_INTERVAL_SECONDS')
        .default(60)
        .argParser(parseSchedulerInterval),
    )
    .addOption(
      new Option('--agent-unresponsive-after <seconds>', 'an agent silent this long is shown Unresponsive and cannot take snapshots')
        .env('ARCA_AGENT_UNRESPONSIVE_SECONDS')
        .default(600)
        .argParser(secondsParser('--agent-unresponsive-after', 86_400)),
    )
    .addOption(
      new Option('--snapshot-pickup-timeout <seconds>', 'a backup fails when no agent picks its snapshot task up within this')
        .env('ARCA_SNAPSHOT_PICKUP_TIMEOUT_SECONDS')
        .default(600)
        .argParser(secondsParser('--snapshot-pickup-timeout', 86_400)),
    )
    .addOption(
      new Option('--snapshot-status-timeout <seconds>', 'a backup fails when its agent reports nothing on the snapshot task for this long')
        .env('ARCA_SNAPSHOT_STATUS_TIMEOUT_SECONDS')
        .default(1800)
        .argParser(secondsParser('--snapshot-status-timeout', 86_400)),
    )
    .addOption(
      new Option('--agent-min-version <version>', 'the oldest agent version the vault supports: older agents are flagged UserErrorGuestAgentOutdated and take no backups')
        .env('ARCA_AGENT_MIN_VERSION')
        .argParser(parseAgentVersionOption),
    )
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'))
    .addHelpText('after', '\nExample:\n  arca server --data-dir /var/lib/arca-server --port 8443\n')
    .action(async (opts: ServerOptions) => {
      // Loaded on demand so that operator commands do not pay for the HTTP and TLS stacks.
      const { runServer } = await import('./main.ts');
      await runServer(opts);
    });
}
