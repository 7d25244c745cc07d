import { CommanderError, type Command } from 'commander';
import { ArcaError, isArcaError } from '../core/errors/index.ts';
import { EXIT_CODES, exitCodeFor } from './exit-codes.ts';
import { resolveLanguage } from './output.ts';
import { formatError } from './print-error.ts';

function languageFromArgv(argv: readonly string[]): string | undefined {
  const index = argv.indexOf('--lang');
  if (index >= 0) return argv[index + 1];
  return argv.find((a) => a.startsWith('--lang='))?.slice('--lang='.length);
}

/**
 * Runs a program and turns every failure into a printed catalog error and a documented exit code.
 * Anything that is not an ArcaError is an internal error: printed with its cause, exit code 70.
 */
export async function runProgram(program: Command, argv: readonly string[]): Promise<number> {
  program.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_CODES.ok;
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      if (thrown.exitCode === 0) return EXIT_CODES.ok;
      return EXIT_CODES.usage;
    }
    let language: 'en' | 'es' = 'en';
    try {
      language = resolveLanguage(languageFromArgv(argv), process.env);
    } catch {
      // an invalid --lang is itself the error being reported; report it in English
    }
    const error = isArcaError(thrown)
      ? thrown
      : new ArcaError('ArcaInternalError', { operation: `running "arca ${argv.join(' ')}"`, reference: 'cli' }, { cause: thrown });
    process.stderr.write(formatError(error, language));
    if (!isArcaError(thrown)) process.stderr.write(`${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}\n`);
    return exitCodeFor(error);
  }
}
