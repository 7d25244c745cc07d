import { invalidArgument } from '../../core/errors/index.ts';

export const HANDLER_COMMANDS = ['install', 'enable', 'disable', 'uninstall', 'update'] as const;
export type HandlerCommandName = (typeof HANDLER_COMMANDS)[number];

/** One command of a handler: an argv run without a shell, and how long it may take. */
export interface HandlerCommand {
  readonly argv: readonly string[];
  readonly timeoutSeconds: number;
}

/**
 * What an extension handler declares about itself (waagent's HandlerManifest.json, with argv arrays
 * instead of shell strings so that no setting can inject a command). `continueOnFailure`: when this
 * handler fails, the host still reconciles the handlers after it.
 */
export interface HandlerManifest {
  readonly name: string;
  readonly version: string;
  readonly commands: Readonly<Record<HandlerCommandName, HandlerCommand>>;
  readonly continueOnFailure: boolean;
}

export const MANIFEST_FILE = 'HandlerManifest.json';
const MAX_TIMEOUT_SECONDS = 6 * 3600;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const VERSION = /^\d+(\.\d+){0,3}$/;

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidArgument(where, 'it must be a JSON object');
  return value as Record<string, unknown>;
}

function parseCommand(value: unknown, where: string): HandlerCommand {
  const body = record(value, where);
  const { argv, timeoutSeconds } = body;
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string' && a.length > 0)) {
    throw invalidArgument(`${where}.argv`, 'it must be a non-empty array of non-empty strings');
  }
  if (typeof timeoutSeconds !== 'number' || !Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    throw invalidArgument(`${where}.timeoutSeconds`, `it must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}`);
  }
  return { argv: argv as string[], timeoutSeconds };
}

/** Checks a manifest field by field; a handler with a bad manifest is never run. */
export function parseHandlerManifest(value: unknown): HandlerManifest {
  const body = record(value, 'manifest');
  if (typeof body['name'] !== 'string' || !NAME.test(body['name'])) throw invalidArgument('manifest.name', 'it must be letters, digits, dots, dashes or underscores');
  if (typeof body['version'] !== 'string' || !VERSION.test(body['version'])) throw invalidArgument('manifest.version', 'it must look like 1.2.3');
  const commandsBody = record(body['commands'], 'manifest.commands');
  const commands = Object.fromEntries(HANDLER_COMMANDS.map((name) => [name, parseCommand(commandsBody[name], `manifest.commands.${name}`)])) as Record<HandlerCommandName, HandlerCommand>;
  const unknown = Object.keys(commandsBody).filter((key) => !(HANDLER_COMMANDS as readonly string[]).includes(key));
  if (unknown.length > 0) throw invalidArgument('manifest.commands', `unknown commands: ${unknown.join(', ')}`);
  const continueOnFailure = body['continueOnFailure'] ?? false;
  if (typeof continueOnFailure !== 'boolean') throw invalidArgument('manifest.continueOnFailure', 'it must be true or false');
  return { name: body['name'], version: body['version'], commands, continueOnFailure };
}

/** The folder name of a handler inside the host's lib dir, as waagent names it. */
export function handlerDirName(manifest: { readonly name: string; readonly version: string }): string {
  return `${manifest.name}-${manifest.version}`;
}
