import { Command, Option } from 'commander';
import { openSession, withTarget } from '../context/session.ts';
import { formatTable, printJson } from '../output.ts';

export function lockCommand(): Command {
  const command = new Command('lock').alias('locks').description('management locks on resource groups (a lock on AzureBackupRG_… blocks the cleanup of instant points)');

  withTarget(command.command('create'), { vault: false })
    .description('lock a resource group')
    .argument('<name>', 'the lock')
    .requiredOption('--resource-group <name>', 'the resource group')
    .addOption(new Option('--level <level>', 'CanNotDelete or ReadOnly').choices(['CanNotDelete', 'ReadOnly']).default('CanNotDelete'))
    .option('--notes <text>', 'why the lock is there')
    .addHelpText('after', '\nExample:\n  arca lock create keep-prod --resource-group prod --level CanNotDelete --notes "production"\n')
    .action(async function (this: Command, name: string, opts: { resourceGroup: string; level: string; notes?: string }) {
      const session = await openSession(this);
      const lock = await session.api.putLock(opts.resourceGroup, name, opts.level, opts.notes);
      if (session.out.format === 'json') return printJson(session.out, lock);
      session.out.write(`lock ${lock.name} (${String((lock.properties as { level?: string }).level)}) on resource group ${opts.resourceGroup}\n`);
    });

  withTarget(command.command('list'), { vault: false })
    .description('list the locks of a resource group')
    .requiredOption('--resource-group <name>', 'the resource group')
    .addHelpText('after', '\nExample:\n  arca lock list --resource-group AzureBackupRG_westeurope_1\n')
    .action(async function (this: Command, opts: { resourceGroup: string }) {
      const session = await openSession(this);
      const locks = await session.api.listLocks(opts.resourceGroup);
      if (session.out.format === 'json') return printJson(session.out, locks);
      session.out.write(formatTable(['NAME', 'LEVEL', 'NOTES'], locks.map((l) => {
        const p = l.properties as { level?: string; notes?: string };
        return [l.name, p.level ?? '', p.notes ?? ''];
      })));
    });

  withTarget(command.command('delete'), { vault: false })
    .description('remove a lock')
    .argument('<name>', 'the lock')
    .requiredOption('--resource-group <name>', 'the resource group')
    .addHelpText('after', '\nExample:\n  arca lock delete keep-prod --resource-group prod\n')
    .action(async function (this: Command, name: string, opts: { resourceGroup: string }) {
      const session = await openSession(this);
      await session.api.deleteLock(opts.resourceGroup, name);
      if (session.out.format === 'json') return printJson(session.out, { deleted: name, resourceGroup: opts.resourceGroup });
      session.out.write(`lock ${name} on resource group ${opts.resourceGroup}: deleted\n`);
    });

  return command;
}
