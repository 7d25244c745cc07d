import { buildProgram } from './cli/program.ts';
import { runProgram } from './cli/run.ts';
import { extensionCommand } from './extensions/vmsnapshot/command.ts';
import { serverCommand } from './server/command.ts';

/**
 * The composition root of the `arca` binary: operator commands plus the daemons. The agent's
 * extension host (src/extensions, which cli may not import) is loaded only when `arca agent run`
 * builds it, so other commands do not pay for it.
 */
const program = buildProgram({
  agent: { extensionHost: async (context) => (await import('./agent-extension-host.ts')).buildAgentExtensionHost(context) },
})
  .addCommand(serverCommand())
  .addCommand(extensionCommand());
const code = await runProgram(program, process.argv.slice(2));
if (code !== 0) process.exitCode = code;
