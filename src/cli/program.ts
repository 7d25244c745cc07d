import type { Command } from 'commander';
import { agentCommand } from './commands/agent/index.ts';
import { doctorCommand } from './commands/doctor/index.ts';
import { errorsCommand } from './commands/errors.ts';
import { addOperatorCommands } from './commands/operator.ts';
import { repoCommand } from './commands/repo/index.ts';
import { rootCommand } from './root.ts';

/**
 * The operator commands and `arca agent`; `src/main.ts` adds the server beside them and may hand the
 * agent its extension host (src/extensions), which cli cannot import.
 */
export function buildProgram(deps: { readonly agent?: Parameters<typeof agentCommand>[0] } = {}): Command {
  const program = rootCommand()
    .addCommand(errorsCommand())
    .addCommand(repoCommand())
    .addCommand(agentCommand(deps.agent))
    .addCommand(doctorCommand());
  // The commands that call a vault's API (src/client): login, contexts, vaults, policies, jobs, restore…
  return addOperatorCommands(program);
}
