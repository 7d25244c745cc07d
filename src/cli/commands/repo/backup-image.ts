import { Command } from 'commander';
import { invalidArgument } from '../../../core/errors/index.ts';
import { backupImages } from '../../../storage/backup/image-backup.ts';
import { outputContext, printJson } from '../../output.ts';
import { progressBar } from '../../progress.ts';
import { interruptSignal, repoOption, withRepository } from './open.ts';

const mb = (n: number) => (n / 1e6).toFixed(1);

function parseMeta(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw invalidArgument('--meta', `"${value}" is not KEY=VALUE`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

export function backupImageCommand(): Command {
  return repoOption(new Command('backup-image'))
    .description('back up one or more disk images (files or block devices) as one recovery point')
    .argument('<image...>', 'disk images, in disk order (disk 0 first)')
    .option('--meta <key=value>', 'metadata to keep with the point (repeatable)', parseMeta, {})
    .option('--no-skip-unchanged', 'read every image even when its size, mtime and inode are unchanged')
    .addHelpText('after', '\nExamples:\n  arca repo backup-image --repo /srv/arca-repo /var/lib/vms/web-1.img\n  arca repo backup-image --repo /srv/arca-repo os.img data.img --meta vm=web-1 -o json\n')
    .action(async function (this: Command, images: string[], opts: { repo: string; meta: Record<string, string>; skipUnchanged: boolean }) {
      const out = outputContext(this);
      await withRepository(opts.repo, async ({ repo, pool }) => {
        const bar = progressBar();
        try {
          const { manifest, packsStored } = await backupImages(repo, {
            paths: images,
            pool,
            metadata: opts.meta,
            skipUnchanged: opts.skipUnchanged,
            signal: interruptSignal(),
            onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal, `disk ${p.disk}`),
          });
          bar.stop();
          const { stats } = manifest;
          if (out.format === 'json') {
            return printJson(out, { id: manifest.id, ...stats, packsStored, disks: manifest.disks.map(({ name, size, chunkCount, zeroChunks }) => ({ name, size, chunkCount, zeroChunks })) });
          }
          out.write(
            `Recovery point ${manifest.id}: ${manifest.disks.length} disk(s), read ${mb(stats.bytesRead)} MB, new ${mb(stats.bytesNew)} MB, ` +
              `stored ${mb(stats.bytesStored)} MB in ${stats.seconds.toFixed(1)} s (${mb(stats.bytesRead / Math.max(stats.seconds, 0.001))} MB/s)\n`,
          );
        } finally {
          bar.stop();
        }
      });
    });
}
