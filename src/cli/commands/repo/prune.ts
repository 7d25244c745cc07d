import { Command, Option } from 'commander';
import { invalidArgument } from '../../../core/errors/index.ts';
import { DEFAULT_REPACK_UNUSED, pruneRepository } from '../../../storage/maintenance/prune.ts';
import { outputContext, printJson } from '../../output.ts';
import { progressBar } from '../../progress.ts';
import { interruptSignal, repoOption, withRepository } from './open.ts';

function minutes(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw invalidArgument('--grace', `"${value}" is not a number of minutes`);
  return n * 60_000;
}

function percentage(value: string): number {
  const n = Number(value.replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0 || n > 100) throw invalidArgument('--repack-unused', `"${value}" is not a percentage from 0 to 100`);
  return n / 100;
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

export function pruneCommand(): Command {
  return repoOption(new Command('prune'))
    .description('delete stored data that no recovery point needs (safe while backups run)')
    .addOption(new Option('--grace <minutes>', 'never touch packs younger than this').argParser(minutes).default(10 * 60_000, '10'))
    .addOption(
      new Option('--repack-unused <pct>', 'rewrite a pack once this percentage of its bytes is data no point needs (100: never)')
        .argParser(percentage)
        .default(DEFAULT_REPACK_UNUSED, String(DEFAULT_REPACK_UNUSED * 100)),
    )
    .option('--repack-small', 'also combine packs smaller than half the pack size')
    .option('--dry-run', 'only say what would be repacked and marked for deletion')
    .addHelpText(
      'after',
      '\nPacks whose data is partly needed are repacked: the needed chunks are copied into new packs, then\n' +
        'the old packs are deleted like unused ones, once no backup that started before is running.\n' +
        '\nExamples:\n  arca repo prune --repo /srv/arca-repo\n  arca repo prune --repo /srv/arca-repo --repack-unused 30 --repack-small -o json\n',
    )
    .action(async function (this: Command, opts: { repo: string; grace: number; repackUnused: number; repackSmall?: boolean; dryRun?: boolean }) {
      const out = outputContext(this);
      await withRepository(opts.repo, async ({ repo, pool, local }) => {
        const bar = progressBar();
        const report = await pruneRepository(repo, pool, {
          graceMs: opts.grace,
          dryRun: opts.dryRun === true,
          repackUnused: opts.repackUnused,
          repackSmall: opts.repackSmall === true,
          signal: interruptSignal(),
          onProgress: (done, total) => bar.update(done, total, 'repack'),
        }).finally(() => bar.stop());
        // Temporary files of writers killed mid-object; a live writer's file is younger than the grace period.
        const temporaryFilesRemoved = opts.dryRun ? 0 : await local.cleanTemporary(new Date(repo.clock.now().getTime() - opts.grace));
        if (out.format === 'json') return printJson(out, { ...report, temporaryFilesRemoved });
        if (report.packsRepacked > 0) {
          out.write(
            opts.dryRun
              ? `Would repack ${report.packsRepacked} packs whose data is partly needed.\n`
              : `Repacked ${report.packsRepacked} packs: copied their needed data into ${report.packsWritten} new packs (${mb(report.bytesWritten)} MB).\n`,
          );
        }
        out.write(
          `${opts.dryRun ? 'Would mark' : 'Marked'} ${report.packsMarked} of ${report.packsTotal} packs for deletion; deleted ${report.packsDeleted} ` +
            `(${mb(report.bytesFreed)} MB freed).\n`,
        );
        if (report.damagedPacks.length > 0) out.write(`Left ${report.damagedPacks.length} packs whole because data in them fails authentication; run \`arca repo verify\`.\n`);
        if (temporaryFilesRemoved > 0) out.write(`Removed ${temporaryFilesRemoved} temporary files left by interrupted writes.\n`);
        for (const w of report.waiting) out.write(`Mark ${w.mark} waits for running backups: ${w.backups.join(', ')}; run prune again later.\n`);
      });
    });
}
