import { Command, Option } from 'commander';
import { invalidArgument } from '../core/errors/index.ts';
import type { ServerOptions } from './main.ts';

export const DEFAULT_PORT = 8443;

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalidArgument('--port', `"${value}" is not a port number (0-65535)`);
  return port;
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
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'))
    .addHelpText('after', '\nExample:\n  arca server --data-dir /var/lib/arca-server --port 8443\n')
    .action(async (opts: ServerOptions) => {
      // Loaded on demand so that operator commands do not pay for the HTTP and TLS stacks.
      const { runServer } = await import('./main.ts');
      await runServer(opts);
    });
}
