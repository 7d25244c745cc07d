import { Command } from 'commander';
import { ArcaError } from '../../core/errors/index.ts';
import { openSession, withTarget } from '../context/session.ts';
import { printJson } from '../output.ts';
import { watchJob } from '../render/job-watch.ts';
import { findItem } from './item-lookup.ts';
import { finishWithJob, timeOf } from './job.ts';
import { jobOfOperation } from './job-of-operation.ts';
import { systemClock } from '../../platform/system-clock.ts';

export function backupCommand(): Command {
  const command = new Command('backup').description('on-demand backups');

  withTarget(command.command('now'))
    .description('back a protected machine up now (up to three on-demand backups a day)')
    .requiredOption('--vm <name>', 'the machine')
    .option('--vm-resource-group <name>', "the machine's resource group, when the name is used in several")
    .option('--retain-until <time>', 'keep this recovery point until then (ISO-8601; default: 30 days)')
    .option('--wait', 'follow the job to its end (progress per task); the exit code tells how it ended, as `arca job watch`')
    .option('--timeout <seconds>', 'with --wait, stop waiting after this long (the job goes on); 0 waits as long as it runs', '0')
    .addHelpText('after', '\nExamples:\n  arca backup now --vm web-1\n  arca backup now --vm web-1 --wait --timeout 3600 || arca job list --vm web-1 --status Failed\n')
    .action(async function (this: Command, opts: { vm: string; vmResourceGroup?: string; retainUntil?: string; wait?: boolean; timeout: string }) {
      const session = await openSession(this);
      const found = await findItem(session, opts.vm, opts.vmResourceGroup);
      const expiry = opts.retainUntil ? timeOf('--retain-until', opts.retainUntil, systemClock.now()) : undefined;
      const url = await session.api.backupNow(found.vault, found.resourceGroup, found.vm, expiry);
      if (url === undefined) throw new ArcaError('CliUnexpectedResponse', { method: 'POST', path: 'backup', status: 200, what: 'no operation to follow' });
      const jobId = await jobOfOperation(session, url);
      if (!opts.wait) {
        if (session.out.format === 'json') return printJson(session.out, { jobId, vm: found.vm, vault: found.vault.name });
        session.out.write(`backup of ${found.vm} started: job ${jobId}\n  follow it with: arca job watch ${jobId}\n`);
        return;
      }
      finishWithJob(session, await watchJob(session, found.vault, jobId, { timeoutSeconds: Number(opts.timeout) || 0 }));
    });

  return command;
}
