import { X509Certificate } from 'node:crypto';
import { Command } from 'commander';
import { configPath, readConfig, writeConfig, type CliContext } from '../context/config-file.ts';
import { chooseContext } from '../context/session.ts';
import { formatTable, outputContext, printJson } from '../output.ts';
import { keyValues } from '../render/key-values.ts';

function caFingerprint(pem: string): string {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return 'unreadable';
  }
}

/** A context as shown: every fact, no secret. */
function shown(name: string, context: CliContext, current: boolean) {
  const auth = context.auth.kind === 'token' ? { kind: 'token' } : { kind: 'servicePrincipal', tenantId: context.auth.tenantId, clientId: context.auth.clientId, tokenExpiresOn: context.auth.expiresOn };
  return {
    name,
    current,
    server: context.server,
    subscriptionId: context.subscriptionId,
    principal: context.principal.name,
    role: context.principal.role,
    auth,
    caFingerprint: caFingerprint(context.ca),
    vault: context.vault ?? null,
    resourceGroup: context.resourceGroup ?? null,
  };
}

export function contextCommand(): Command {
  const command = new Command('context').description('the servers and identities you signed in to (kept by `arca login`)');

  command
    .command('list')
    .description('list the contexts; * marks the current one')
    .addHelpText('after', '\nExample:\n  arca context list\n')
    .action(async function (this: Command) {
      const out = outputContext(this);
      const file = configPath();
      const config = await readConfig(file.path);
      const all = Object.entries(config.contexts).map(([name, c]) => shown(name, c, name === config.current));
      if (out.format === 'json') return printJson(out, all);
      out.write(formatTable(['', 'NAME', 'SERVER', 'PRINCIPAL', 'ROLE', 'VAULT'], all.map((c) => [c.current ? '*' : '', c.name, c.server, c.principal, c.role, c.vault ? `${c.resourceGroup ?? '?'}/${c.vault}` : ''])));
    });

  command
    .command('use')
    .description('make a context the current one')
    .argument('<name>', 'the context')
    .addHelpText('after', '\nExample:\n  arca context use prod\n')
    .action(async function (this: Command, name: string) {
      const out = outputContext(this);
      const file = configPath();
      const config = await readConfig(file.path);
      chooseContext(config, name, file.path);
      await writeConfig(file.path, { ...config, current: name }, file.isDefault);
      if (out.format === 'json') return printJson(out, { current: name });
      out.write(out.language === 'es' ? `Contexto actual: ${name}\n` : `Current context: ${name}\n`);
    });

  command
    .command('show')
    .description('show a context (default: the current one), without its secrets')
    .argument('[name]', 'the context')
    .addHelpText('after', '\nExamples:\n  arca context show\n  arca context show prod -o json\n')
    .action(async function (this: Command, name: string | undefined) {
      const out = outputContext(this);
      const file = configPath();
      const config = await readConfig(file.path);
      const chosen = chooseContext(config, name, file.path);
      const view = shown(chosen.name, chosen.context, chosen.name === config.current);
      if (out.format === 'json') return printJson(out, { ...view, configFile: file.path });
      out.write(keyValues([
        ['context', view.name + (view.current ? ' (current)' : '')],
        ['server', view.server],
        ['subscription', view.subscriptionId],
        ['principal', `${view.principal} (${view.role})`],
        ['signed in with', view.auth.kind === 'token' ? 'bearer token' : `service principal ${principalOf(view.auth)}`],
        ['CA fingerprint', view.caFingerprint],
        ['default vault', view.vault ? `${view.vault} (resource group ${view.resourceGroup ?? 'found from the name'})` : '-'],
        ['configuration', file.path],
      ]));
    });

  command
    .command('set')
    .description('set the default vault and resource group of a context (default: the current one)')
    .option('--context <name>', 'the context to change')
    .option('--vault <name>', 'default vault')
    .option('--resource-group <name>', "default vault's resource group")
    .addHelpText('after', '\nExample:\n  arca context set --vault vault1 --resource-group prod\n')
    .action(async function (this: Command, opts: { context?: string; vault?: string; resourceGroup?: string }) {
      const out = outputContext(this);
      const file = configPath();
      const config = await readConfig(file.path);
      const chosen = chooseContext(config, opts.context, file.path);
      const updated: CliContext = { ...chosen.context, ...(opts.vault ? { vault: opts.vault } : {}), ...(opts.resourceGroup ? { resourceGroup: opts.resourceGroup } : {}) };
      await writeConfig(file.path, { ...config, contexts: { ...config.contexts, [chosen.name]: updated } }, file.isDefault);
      const view = shown(chosen.name, updated, chosen.name === config.current);
      if (out.format === 'json') return printJson(out, view);
      out.write(`${chosen.name}: vault ${view.vault ?? '-'}, resource group ${view.resourceGroup ?? '-'}\n`);
    });

  command
    .command('delete')
    .description('forget a context and its credentials (the tokens stay valid on the server until revoked)')
    .argument('<name>', 'the context')
    .addHelpText('after', '\nExample:\n  arca context delete old-lab\n')
    .action(async function (this: Command, name: string) {
      const out = outputContext(this);
      const file = configPath();
      const config = await readConfig(file.path);
      chooseContext(config, name, file.path);
      const { [name]: _gone, ...rest } = config.contexts;
      await writeConfig(file.path, { contexts: rest, ...(config.current !== name && config.current ? { current: config.current } : {}) }, file.isDefault);
      if (out.format === 'json') return printJson(out, { deleted: name });
      out.write(`${name}: deleted\n`);
    });

  return command;
}

function principalOf(auth: { clientId?: string; tenantId?: string }): string {
  return `${auth.clientId ?? ''} (tenant ${auth.tenantId ?? ''})`;
}
