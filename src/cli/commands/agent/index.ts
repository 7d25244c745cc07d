import { Command } from 'commander';
import type { ExtensionHostFactory } from '../../../agent/extension-host.ts';
import { configCheckCommand } from './config-check.ts';
import { packageCommand } from './package.ts';
import { registerCommand } from './register.ts';
import { runCommand } from './run.ts';
import { tokenCommand } from './token.ts';

/** `arca agent …`: the guest agent's commands on the machine. The composition root may hand it the extension host. */
export function agentCommand(deps: { readonly extensionHost?: ExtensionHostFactory } = {}): Command {
  return new Command('agent')
    .description('the guest agent on a protected machine: configuration, registration with a vault, the daemon, and the packages the vault offers for its updates')
    .addCommand(new Command('config').description('the agent configuration file (/etc/arca/agent.conf)').addCommand(configCheckCommand()))
    .addCommand(packageCommand())
    .addCommand(registerCommand())
    .addCommand(runCommand(deps.extensionHost))
    .addCommand(tokenCommand());
}
