import { Command, Option } from 'commander';
import { ARCA_VERSION } from '../platform/version.ts';
import { repoCommand } from './commands/repo/index.ts';

/** The root with its global options and no subcommand. */
export function rootCommand(): Command {
  return new Command('arca')
    .description('Arca: virtual-machine backup you run yourself')
    .version(ARCA_VERSION)
    .addOption(new Option('-o, --output <format>', 'output format (default: table, or ARCA_OUTPUT)').choices(['table', 'json']))
    .addOption(new Option('--lang <language>', 'language of messages (default: ARCA_LANG or the locale)').choices(['en', 'es']))
    .showSuggestionAfterError();
}

/**
 * `arca repo …` alone: the data-path commands run in benchmarks and scripts where every
 * millisecond of start-up counts, so they skip loading the client, agent and doctor modules.
 */
export function buildRepoProgram(): Command {
  return rootCommand().addCommand(repoCommand());
}
