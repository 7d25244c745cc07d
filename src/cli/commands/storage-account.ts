import { Command } from 'commander';
import { partsOf, type Resource } from '../../client/backup-api.ts';
import { ResourceApi } from '../../client/resource-api.ts';
import { openSession, withTarget } from '../context/session.ts';
import { formatTable, printJson } from '../output.ts';
import { keyValues } from '../render/key-values.ts';
import { findByName } from './resource-lookup.ts';

type Account = Resource<{ statusOfPrimary?: string; primaryLocation?: string; provisioningState?: string }> & { sku?: { name?: string; tier?: string }; kind?: string };

/** `arca storage-account list|show`: restore targets, with the region, SKU and online state restore validation reads. */
export function storageAccountCommand(): Command {
  const command = new Command('storage-account').alias('storage-accounts').description('storage accounts: where a restore writes disks (region, SKU and state must suit it)');

  withTarget(command.command('list'), { vault: false })
    .description('list storage accounts with their region, SKU and state')
    .option('--resource-group <name>', 'only this resource group')
    .addHelpText('after', '\nExample:\n  arca storage-account list --resource-group restores\n')
    .action(async function (this: Command, opts: { resourceGroup?: string }) {
      const session = await openSession(this);
      const accounts = (await new ResourceApi(session.api.arm).listStorageAccounts(opts.resourceGroup)) as Account[];
      if (session.out.format === 'json') return printJson(session.out, accounts);
      session.out.write(
        formatTable(
          ['NAME', 'RESOURCE GROUP', 'LOCATION', 'SKU', 'KIND', 'PRIMARY'],
          accounts.map((a) => [a.name, partsOf(a.id).resourceGroup, a.location ?? '', a.sku?.name ?? '', a.kind ?? '', a.properties.statusOfPrimary ?? '']),
        ),
      );
    });

  withTarget(command.command('show'), { vault: false })
    .description('show a storage account: region, SKU, kind and whether its primary is available')
    .argument('<account>', 'the account (name or resource id)')
    .option('--resource-group <name>', 'its resource group (default: found from the name)')
    .addHelpText('after', '\nExamples:\n  arca storage-account show restoresa\n  arca storage-account show restoresa -o json\n')
    .action(async function (this: Command, name: string, opts: { resourceGroup?: string }) {
      const session = await openSession(this);
      const api = new ResourceApi(session.api.arm);
      const found = await findByName(name, 'storage account', opts.resourceGroup, (g, n) => api.getStorageAccount(g, n), () => api.listStorageAccounts());
      const account = found.resource as Account;
      if (session.out.format === 'json') return printJson(session.out, account);
      session.out.write(
        keyValues([
          ['name', account.name],
          ['resource group', found.resourceGroup],
          ['location', account.location],
          ['sku', account.sku ? `${account.sku.name ?? ''} (${account.sku.tier ?? ''})` : undefined],
          ['kind', account.kind],
          ['primary', account.properties.statusOfPrimary],
          ['provisioning', account.properties.provisioningState],
          ['id', account.id],
        ]),
      );
    });

  return command;
}
