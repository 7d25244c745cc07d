import { Command, Option } from 'commander';
import { invalidArgument } from '../../core/errors/index.ts';
import { JOB_OPERATIONS, JOB_STATUSES } from '../../core/states/index.ts';
import { systemClock } from '../../platform/system-clock.ts';
import { openSession, withTarget, type Session } from '../context/session.ts';
import { formatTable, printJson } from '../output.ts';
import { exitCodeOfJob, formatJob, JOB_HEADERS, jobRow, type Job } from '../render/job.ts';
import { watchJob } from '../render/job-watch.ts';

// The vault's own sets, so that every value it filters on is offered (and none it refuses).
const STATUSES = [...JOB_STATUSES];
const OPERATIONS = [...JOB_OPERATIONS];

/** `--since 2h`, `--since 3d`, `--since 30m` or an ISO-8601 time, as an ISO-8601 time. */
export function timeOf(flag: string, text: string, now: Date): string {
  const relative = /^(\d+)([mhd])$/.exec(text);
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(relative[1]) * unit).toISOString();
  }
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) throw invalidArgument(flag, `"${text}" is neither a time (2026-11-22T10:00:00Z) nor an age (30m, 2h, 3d)`);
  return new Date(parsed).toISOString();
}

/** Prints a finished job and sets the exit code its end calls for (documented in README: 0, 7, 8, or its error's). */
export function finishWithJob(session: Session, job: Job): void {
  if (session.out.format === 'json') printJson(session.out, job);
  else session.out.write(formatJob(job, session.out.language));
  const code = exitCodeOfJob(job, session.out.language);
  if (code !== 0) process.exitCode = code;
}

export function jobCommand(): Command {
  const command = new Command('job').alias('jobs').description("a vault's jobs: backups, restores and protection changes");

  withTarget(command.command('list'))
    .description('list jobs, newest first, with filters')
    .addOption(new Option('--status <status>', 'only jobs in this status').choices(STATUSES))
    .addOption(new Option('--operation <operation>', 'only jobs of this operation').choices(OPERATIONS))
    .option('--since <time>', 'only jobs started at or after this time (ISO-8601, or an age: 30m, 2h, 3d)')
    .option('--until <time>', 'only jobs started at or before this time')
    .option('--vm <name>', 'only jobs of this machine')
    .addHelpText('after', '\nExamples:\n  arca job list --status Failed --since 1d\n  arca job list --operation Backup --vm web-1 -o json\n')
    .action(async function (this: Command, opts: { status?: string; operation?: string; since?: string; until?: string; vm?: string }) {
      const session = await openSession(this);
      const now = systemClock.now();
      const clauses = [
        ...(opts.status ? [`status eq '${opts.status}'`] : []),
        ...(opts.operation ? [`operation eq '${opts.operation}'`] : []),
        ...(opts.since ? [`startTime ge '${timeOf('--since', opts.since, now)}'`] : []),
        ...(opts.until ? [`startTime le '${timeOf('--until', opts.until, now)}'`] : []),
      ];
      const jobs = ((await session.api.listJobs(await session.vault(), clauses.join(' and ') || undefined)) as Job[]).filter(
        (j) => opts.vm === undefined || (j.properties.entityFriendlyName ?? '').toLowerCase() === opts.vm.toLowerCase(),
      );
      if (session.out.format === 'json') return printJson(session.out, jobs);
      session.out.write(formatTable(JOB_HEADERS, jobs.map(jobRow)));
    });

  withTarget(command.command('show'))
    .description('show a job: its tasks and, if it failed, the error with its code and the steps that fix it')
    .argument('<job>', 'the job id')
    .addHelpText('after', '\nExamples:\n  arca job show 8f8c6713-8c03-480a-a86e-2a02fb266c35\n  arca job show 8f8c6713-… --lang es\n')
    .action(async function (this: Command, jobId: string) {
      const session = await openSession(this);
      const job = (await session.api.getJob(await session.vault(), jobId)) as Job;
      if (session.out.format === 'json') return printJson(session.out, job);
      session.out.write(formatJob(job, session.out.language));
    });

  withTarget(command.command('cancel'))
    .description('cancel a job (backups only while they take the snapshot)')
    .argument('<job>', 'the job id')
    .addHelpText('after', '\nExample:\n  arca job cancel 8f8c6713-8c03-480a-a86e-2a02fb266c35\n')
    .action(async function (this: Command, jobId: string) {
      const session = await openSession(this);
      const vault = await session.vault();
      const url = await session.api.cancelJob(vault, jobId);
      if (url) await session.api.arm.waitForOperation(url, { timeoutMs: 60_000 });
      const job = (await session.api.getJob(vault, jobId)) as Job;
      if (session.out.format === 'json') return printJson(session.out, job);
      session.out.write(`job ${jobId}: ${job.properties.status}\n`);
    });

  withTarget(command.command('watch'))
    .description('follow a job to its end, with a progress bar per task; the exit code tells how it ended')
    .argument('<job>', 'the job id')
    .option('--timeout <seconds>', 'stop waiting after this long (the job goes on); 0 waits as long as it runs', '0')
    .addHelpText(
      'after',
      '\nExit codes: 0 completed, 7 completed with warnings, 8 cancelled; a failed job exits with its error\'s code (3, 4, 5, 6, …, or 1).\n\nExample:\n  arca job watch 8f8c6713-8c03-480a-a86e-2a02fb266c35 && echo done\n',
    )
    .action(async function (this: Command, jobId: string, opts: { timeout: string }) {
      const session = await openSession(this);
      const job = await watchJob(session, await session.vault(), jobId, { timeoutSeconds: Number(opts.timeout) || 0 });
      finishWithJob(session, job);
    });

  return command;
}
