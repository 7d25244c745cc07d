import { Command, Option } from 'commander';
import { ARCA_VERSION } from '../platform/version.ts';
import { errorsCommand } from './commands/errors.ts';
import { repoCommand } from './commands/repo/index.ts';

/** The operator commands; `src/main.ts` adds the daemons (`server`, later `agent`) beside them. */
export function buildProgram(): Command {
  return new Command('arca')
    .description('Arca: virtual-machine backup you run yourself')
    .version(ARCA_VERSION)
    .addOption(new Option('-o, --output <format>', 'output format (default: table, or ARCA_OUTPUT)').choices(['table', 'json']))
    .addOption(new Option('--lang <language>', 'language of messages (default: ARCA_LANG or the locale)').choices(['en', 'es']))
    .showSuggestionAfterError()
    .addCommand(errorsCommand())
    .addCommand(repoCommand());
}
