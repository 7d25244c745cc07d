import { resolve } from 'node:path';
import { Command } from 'commander';
import { invalidArgument } from '../../../core/errors/index.ts';
import { restoreImage } from '../../../storage/restore/image-restore.ts';
import { outputContext, printJson } from '../../output.ts';
import { progressBar } from '../../progress.ts';
import { interruptSignal, repoOption, withRepository } from './open.ts';

function diskNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw invalidArgument('--disk', `"${value}" is not a disk number (0, 1, …)`);
  return n;
}

export function restoreImageCommand(): Command {
  return repoOption(new Command('restore-image'))
    .description('write one disk of a recovery point to a file, sparse where the disk was zeros')
    .requiredOption('--point <id>', 'recovery point id')
    .option('--disk <n>', 'disk number, counting from 0 in backup order', diskNumber, 0)
    .requiredOption('--to <file>', 'file to create')
    .option('--force', 'overwrite the file if it exists')
    .addHelpText('after', '\nExample:\n  arca repo restore-image --repo /srv/arca-repo --point 20261122-004512-3f9a2c1d --disk 0 --to /tmp/web-1.img\n')
    .action(async function (this: Command, opts: { repo: string; point: string; disk: number; to: string; force?: boolean }) {
      const out = outputContext(this);
      await withRepository(opts.repo, async ({ repo, pool }) => {
        const bar = progressBar();
        try {
          const result = await restoreImage(repo, {
            pointId: opts.point,
            disk: opts.disk,
            to: resolve(opts.to),
            pool,
            force: opts.force === true,
            signal: interruptSignal(),
            onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal, `disk ${opts.disk}`),
          });
          bar.stop();
          if (out.format === 'json') return printJson(out, { point: opts.point, disk: opts.disk, to: resolve(opts.to), ...result });
          out.write(`Restored disk ${opts.disk} of ${opts.point} to ${resolve(opts.to)}: ${(result.bytesTotal / 1e6).toFixed(1)} MB in ${result.seconds.toFixed(1)} s\n`);
        } finally {
          bar.stop();
        }
      });
    });
}
