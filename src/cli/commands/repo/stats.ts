import { Command } from 'commander';
import { listPointIds, loadPoint } from '../../../storage/points/point-store.ts';
import { repositoryStats } from '../../../storage/maintenance/rebuild-index.ts';
import { formatTable, outputContext, printJson } from '../../output.ts';
import { repoOption, withRepository } from './open.ts';

export function statsCommand(): Command {
  return repoOption(new Command('stats'))
    .description('what the repository holds: recovery points and their disks, packs, bytes stored')
    .addHelpText('after', '\nExample:\n  arca repo stats --repo /srv/arca-repo -o json\n')
    .action(async function (this: Command, opts: { repo: string }) {
      const out = outputContext(this);
      await withRepository(opts.repo, async ({ repo }) => {
        const stats = await repositoryStats(repo);
        const points = [];
        for (const id of await listPointIds(repo)) {
          const m = await loadPoint(repo, id);
          points.push({ id, time: m.time, metadata: m.metadata, disks: m.disks.map((d, n) => ({ disk: n, name: d.name, size: d.size })), stats: m.stats });
        }
        const logical = points.reduce((sum, p) => sum + p.disks.reduce((s, d) => s + d.size, 0), 0);
        if (out.format === 'json') return printJson(out, { ...stats, logicalBytes: logical, points });
        out.write(`Repository ${stats.id} at ${stats.location}\n`);
        out.write(`${stats.points} recovery points, ${stats.packs} packs, ${stats.chunks} chunks, ${(stats.storedBytes / 1e6).toFixed(1)} MB stored for ${(logical / 1e6).toFixed(1)} MB of disks\n\n`);
        out.write(formatTable(['POINT', 'TIME', 'DISKS'], points.map((p) => [p.id, p.time, p.disks.map((d) => `${d.disk}:${d.name} (${(d.size / 1e6).toFixed(0)} MB)`).join(', ')])));
      });
    });
}
