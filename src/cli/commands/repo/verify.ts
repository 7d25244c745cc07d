import { Command } from 'commander';
import { ArcaError, invalidArgument } from '../../../core/errors/index.ts';
import { rebuildIndex } from '../../../storage/maintenance/rebuild-index.ts';
import { verifyRepository } from '../../../storage/maintenance/verify.ts';
import { outputContext, printJson } from '../../output.ts';
import { formatError } from '../../print-error.ts';
import { progressBar } from '../../progress.ts';
import { interruptSignal, repoOption, withRepository } from './open.ts';

function percentage(value: string): number {
  const n = Number(value.replace(/%$/, ''));
  if (!Number.isFinite(n) || n <= 0 || n > 100) throw invalidArgument('--read-data-subset', `"${value}" is not a percentage above 0 and up to 100`);
  return n;
}

export function verifyCommand(): Command {
  return repoOption(new Command('verify'))
    .description('check that every recovery point can be restored; read and authenticate stored data')
    .option('--read-data-subset <pct>', 'read only this percentage of the packs in full (default: all)', percentage)
    .option('--rebuild-index', 'first rebuild the index from the pack files themselves')
    .addHelpText('after', '\nExamples:\n  arca repo verify --repo /srv/arca-repo\n  arca repo verify --repo /srv/arca-repo --read-data-subset 10 -o json\n')
    .action(async function (this: Command, opts: { repo: string; readDataSubset?: number; rebuildIndex?: boolean }) {
      const out = outputContext(this);
      await withRepository(opts.repo, async ({ repo, pool }) => {
        const signal = interruptSignal();
        const rebuilt = opts.rebuildIndex ? await rebuildIndex(repo, signal) : undefined;
        const bar = progressBar();
        const report = await verifyRepository(repo, pool, { readDataSubset: opts.readDataSubset, signal, onProgress: (done, total) => bar.update(done, total, 'packs') });
        bar.stop();
        const problems = report.problems.map((p) => new ArcaError(p.code, p.params));
        if (out.format === 'json') {
          printJson(out, {
            ...report,
            ...(rebuilt ? { rebuilt } : {}),
            problems: report.problems.map((p, i) => ({ ...p, ...problems[i]?.render(out.language) })),
          });
        } else {
          if (rebuilt) out.write(`Rebuilt the index from ${rebuilt.packs} packs (${rebuilt.unreadable.length} unreadable).\n`);
          out.write(
            `Checked ${report.points} recovery points and ${report.packsChecked} of ${report.packsTotal} packs ` +
              `(${report.chunksChecked} chunks, ${(report.bytesRead / 1e6).toFixed(1)} MB read).\n`,
          );
          if (report.unindexedPacks.length > 0) out.write(`${report.unindexedPacks.length} packs left by interrupted backups are not indexed; prune removes them.\n`);
          for (const problem of problems) process.stderr.write(formatError(problem, out.language));
          if (problems.length === 0) out.write('No problems found.\n');
        }
        if (problems.length > 0) {
          const packs = new Set(report.problems.map((p) => p.pack).filter(Boolean)).size;
          const points = [...new Set(report.problems.flatMap((p) => p.points))];
          throw new ArcaError('RepositoryVerifyFailed', { problems: problems.length, packs, points: points.join(', ') || 'none' });
        }
      });
    });
}
