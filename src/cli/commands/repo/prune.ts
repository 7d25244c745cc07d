import { Command, Option } from 'commander';
import { invalidArgument } from '../../../core/errors/index.ts';
import { pruneRepository } from '../../../storage/maintenance/prune.ts';
import { outputContext, printJson } from '../../output.ts';
import { interruptSignal, repoOption, withRepository } from './open.ts';

function minutes(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw invalidArgument('--grace', `"${value}" is not a number of minutes`);
  return n * 60_000;
}

export function pruneCommand(): Command {
  return repoOption(new Command('prune'))
    .description('delete stored data that no recovery point needs (safe while backups run)')
    .addOption(new Option('--grace <minutes>', 'never touch packs younger than this').argParser(minutes).default(10 * 60_000, '10'))
    .option('--dry-run', 'only say what would be marked for deletion')
    .addHelpText('after', '\nExample:\n  arca repo prune --repo /srv/arca-repo\n')
    .action(async function (this: Command, opts: { repo: string; grace: number; dryRun?: boolean }) {
      const out = outputContext(this);
      await withRepository(opts.repo, async ({ repo, pool, local }) => {
        const report = await pruneRepository(repo, pool, { graceMs: opts.grace, dryRun: opts.dryRun === true, signal: interruptSignal() });
        // Temporary files of writers killed mid-object; a live writer's file is younger than the grace period.
        const temporaryFilesRemoved = opts.dryRun ? 0 : await local.cleanTemporary(new Date(repo.clock.now().getTime() - opts.grace));
        if (out.format === 'json') return printJson(out, { ...report, temporaryFilesRemoved });
        out.write(
          `${opts.dryRun ? 'Would mark' : 'Marked'} ${report.packsMarked} of ${report.packsTotal} packs as unused; deleted ${report.packsDeleted} ` +
            `(${(report.bytesFreed / 1e6).toFixed(1)} MB freed).\n`,
        );
        if (temporaryFilesRemoved > 0) out.write(`Removed ${temporaryFilesRemoved} temporary files left by interrupted writes.\n`);
        for (const w of report.waiting) out.write(`Mark ${w.mark} waits for running backups: ${w.backups.join(', ')}; run prune again later.\n`);
      });
    });
}
