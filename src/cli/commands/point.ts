import { Command } from 'commander';
import { systemClock } from '../../platform/system-clock.ts';
import { openSession, withTarget } from '../context/session.ts';
import { formatTable, printJson } from '../output.ts';
import { findItem } from './item-lookup.ts';
import { timeOf } from './job.ts';

interface PointProps {
  recoveryPointTime?: string;
  recoveryPointType?: string;
  recoveryPointTierDetails?: { type?: string; status?: string }[];
  recoveryPointDiskConfiguration?: { numberOfDisksIncludedInBackup?: number };
  recoveryPointProperties?: { expiryTime?: string };
}

export function pointCommand(): Command {
  const command = new Command('point').alias('rp').description("a machine's recovery points: instant (snapshots) and vault tiers");

  withTarget(command.command('list'))
    .description("list a machine's recovery points, newest first")
    .requiredOption('--vm <name>', 'the machine')
    .option('--vm-resource-group <name>', "the machine's resource group, when the name is used in several")
    .option('--since <time>', 'only points taken at or after this time (ISO-8601, or an age: 2h, 7d)')
    .option('--until <time>', 'only points taken at or before this time')
    .addHelpText('after', '\nExamples:\n  arca point list --vm web-1\n  arca point list --vm web-1 --since 7d -o json\n')
    .action(async function (this: Command, opts: { vm: string; vmResourceGroup?: string; since?: string; until?: string }) {
      const session = await openSession(this);
      const found = await findItem(session, opts.vm, opts.vmResourceGroup);
      const now = systemClock.now();
      const clauses = [
        ...(opts.since ? [`startDate eq '${timeOf('--since', opts.since, now)}'`] : []),
        ...(opts.until ? [`endDate eq '${timeOf('--until', opts.until, now)}'`] : []),
      ];
      const points = await session.api.listPoints(found.vault, found.resourceGroup, found.vm, clauses.join(' and ') || undefined);
      if (session.out.format === 'json') return printJson(session.out, points);
      session.out.write(
        formatTable(
          ['POINT', 'TIME', 'CONSISTENCY', 'TIERS', 'DISKS', 'VAULT EXPIRY'],
          points.map((point) => {
            const p = point.properties as PointProps;
            const tiers = (p.recoveryPointTierDetails ?? []).filter((t) => t.status === 'Valid').map((t) => (t.type === 'InstantRP' ? 'instant' : 'vault'));
            return [point.name, p.recoveryPointTime ?? '', p.recoveryPointType ?? '', tiers.join('+'), String(p.recoveryPointDiskConfiguration?.numberOfDisksIncludedInBackup ?? ''), p.recoveryPointProperties?.expiryTime ?? ''];
          }),
        ),
      );
    });

  return command;
}
