import { Command } from 'commander';
import { partsOf } from '../../client/backup-api.ts';
import { ResourceApi } from '../../client/resource-api.ts';
import { openSession, withTarget } from '../context/session.ts';
import { formatTable, printJson } from '../output.ts';

interface QuotaRow {
  readonly scope: string;
  readonly name: string;
  readonly current: number;
  readonly limit: number | null;
  readonly unit: string;
}

/**
 * `arca quota show`: how many virtual machines there are against their limits. With
 * `--resource-group`, Arca's limit on that group (which creating or restoring a machine honours);
 * without, the regional usage of every region that has machines, and each group's limit.
 */
export function quotaCommand(): Command {
  const command = new Command('quota').alias('quotas').description('virtual machines counted against their limits, per resource group and per region');

  withTarget(command.command('show'), { vault: false })
    .description('show virtual machine counts and limits')
    .option('--resource-group <name>', "only this resource group's limit")
    .addHelpText('after', '\nExamples:\n  arca quota show --resource-group prod\n  arca quota show -o json\n')
    .action(async function (this: Command, opts: { resourceGroup?: string }) {
      const session = await openSession(this);
      const api = new ResourceApi(session.api.arm);
      const group = async (name: string): Promise<QuotaRow> => {
        const quota = await api.getVmQuota(name);
        return { scope: `resource group ${name}`, name: 'virtualMachines', current: quota.properties.currentValue, limit: quota.properties.limit ?? null, unit: quota.properties.unit };
      };
      let rows: QuotaRow[];
      if (opts.resourceGroup !== undefined) rows = [await group(opts.resourceGroup)];
      else {
        const vms = await session.api.listVms();
        const locations = [...new Set(vms.map((vm) => vm.location ?? '').filter((l) => l !== ''))].toSorted();
        const groups = [...new Set(vms.map((vm) => partsOf(vm.id).resourceGroup))].toSorted();
        const regional = await Promise.all(
          locations.map(async (location) =>
            (await api.regionalUsage(location)).map((u) => ({ scope: `region ${location}`, name: u.name.value, current: u.currentValue, limit: u.limit, unit: u.unit })),
          ),
        );
        rows = [...regional.flat(), ...(await Promise.all(groups.map(group)))];
      }
      if (session.out.format === 'json') return printJson(session.out, rows);
      session.out.write(formatTable(['SCOPE', 'QUOTA', 'CURRENT', 'LIMIT'], rows.map((r) => [r.scope, r.name, String(r.current), r.limit === null ? 'none' : String(r.limit)])));
    });

  return command;
}
