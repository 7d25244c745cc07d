import { Command } from 'commander';
import { openSession, withTarget } from '../context/session.ts';
import { printJson } from '../output.ts';
import { keyValues } from '../render/key-values.ts';

/** `arca whoami`: asks the server who the context's credentials belong to, which also proves they still work. */
export function whoamiCommand(): Command {
  return withTarget(new Command('whoami'), { vault: false })
    .description('show who the current context signs in as, checked with the server')
    .addHelpText('after', '\nExamples:\n  arca whoami\n  arca whoami --context ci -o json\n')
    .action(async function (this: Command) {
      const session = await openSession(this);
      const who = await session.api.whoami();
      const view = { context: session.contextName, server: session.context.server, name: who.name, role: who.role, subscriptionId: who.subscriptionId ?? session.context.subscriptionId, ...(who.machineId ? { machineId: who.machineId } : {}) };
      if (session.out.format === 'json') return printJson(session.out, view);
      session.out.write(keyValues([['principal', who.name], ['role', who.role], ['context', view.context], ['server', view.server], ['subscription', view.subscriptionId]]));
    });
}
