import { runProgram } from './cli/run.ts';

/**
 * The composition root of the `arca` binary: operator commands plus the daemons. The agent's
 * extension host (src/extensions, which cli may not import) is loaded only when `arca agent run`
 * builds it, so other commands do not pay for it.
 */
async function programFor(args: readonly string[]) {
  // `arca repo …` loads only what it runs (see buildRepoProgram).
  if (args[0] === 'repo') {
    (await import('./cli/commands/repo/unlock-ahead.ts')).startUnlockAhead(args);
    return (await import('./cli/root.ts')).buildRepoProgram();
  }
  const cli = await import('./cli/program.ts');
  const [{ serverCommand }, { extensionCommand }] = await Promise.all([import('./server/command.ts'), import('./extensions/vmsnapshot/command.ts')]);
  return cli
    .buildProgram({ agent: { extensionHost: async (context) => (await import('./agent-extension-host.ts')).buildAgentExtensionHost(context) } })
    .addCommand(serverCommand())
    .addCommand(extensionCommand());
}

const program = await programFor(process.argv.slice(2));
const code = await runProgram(program, process.argv.slice(2));
if (code !== 0) process.exitCode = code;
