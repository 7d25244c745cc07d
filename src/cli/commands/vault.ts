import { Command } from 'commander';
import { partsOf, type Resource } from '../../client/backup-api.ts';
import { invalidArgument } from '../../core/errors/index.ts';
import { openSession, withTarget } from '../context/session.ts';
import { formatTable, printJson } from '../output.ts';
import { keyValues } from '../render/key-values.ts';

const row = (v: Resource) => [v.name, partsOf(v.id).resourceGroup, v.location ?? '', String((v.properties as { provisioningState?: string }).provisioningState ?? '')];

export function vaultCommand(): Command {
  const command = new Command('vault').description('Recovery Services vaults: where policies, protected machines, jobs and recovery points live');

  withTarget(command.command('create'), { vault: false })
    .description('create a vault (and its resource group when missing)')
    .argument('<name>', 'the vault')
    .requiredOption('--resource-group <name>', 'its resource group')
    .requiredOption('--location <region>', 'its region; machines it protects must be in the same one')
    .addHelpText('after', '\nExample:\n  arca vault create vault1 --resource-group prod --location westeurope\n')
    .action(async function (this: Command, name: string, opts: { resourceGroup: string; location: string }) {
      const session = await openSession(this);
      const vault = await session.api.createVault({ name, resourceGroup: opts.resourceGroup }, opts.location);
      if (session.out.format === 'json') return printJson(session.out, vault);
      session.out.write(`vault ${vault.name} in ${opts.resourceGroup} (${vault.location ?? opts.location}): ${String((vault.properties as { provisioningState?: string }).provisioningState ?? 'created')}\n`);
    });

  withTarget(command.command('list'), { vault: false })
    .description('list the vaults of the subscription')
    .addHelpText('after', '\nExample:\n  arca vault list -o json\n')
    .action(async function (this: Command) {
      const session = await openSession(this);
      const vaults = await session.api.listVaults();
      if (session.out.format === 'json') return printJson(session.out, vaults);
      session.out.write(formatTable(['NAME', 'RESOURCE GROUP', 'LOCATION', 'STATE'], vaults.map(row)));
    });

  withTarget(command.command('show'))
    .description("show a vault (default: the context's)")
    .argument('[name]', 'the vault')
    .addHelpText('after', '\nExamples:\n  arca vault show\n  arca vault show vault1 --resource-group prod -o json\n')
    .action(async function (this: Command, name: string | undefined) {
      const session = await openSession(this);
      const ref = await session.vault(name);
      const vault = await session.api.getVault(ref);
      if (session.out.format === 'json') return printJson(session.out, vault);
      const [items, policies] = await Promise.all([session.api.listProtectedItems(ref), session.api.listPolicies(ref)]);
      session.out.write(keyValues([
        ['name', vault.name],
        ['resource group', ref.resourceGroup],
        ['location', vault.location],
        ['sku', (vault.sku as { name?: string } | undefined)?.name],
        ['state', (vault.properties as { provisioningState?: string }).provisioningState],
        ['policies', policies.map((p) => p.name).join(', ')],
        ['protected items', items.length],
        ['id', vault.id],
      ]));
    });

  withTarget(command.command('delete'))
    .description('delete an empty vault (refused while it protects machines or keeps their data)')
    .argument('<name>', 'the vault')
    .option('--yes', 'do not ask (needed when standard input is not a terminal)')
    .addHelpText('after', '\nExample:\n  arca vault delete old-vault --resource-group lab --yes\n')
    .action(async function (this: Command, name: string, opts: { yes?: boolean }) {
      const session = await openSession(this);
      if (!opts.yes) throw invalidArgument('--yes', 'deleting a vault cannot be undone; confirm with --yes');
      const ref = await session.vault(name);
      await session.api.deleteVault(ref);
      if (session.out.format === 'json') return printJson(session.out, { deleted: ref });
      session.out.write(`vault ${ref.name} in ${ref.resourceGroup}: deleted\n`);
    });

  return command;
}
