import { Command } from 'commander';
import { forgetPoint } from '../../../storage/points/forget.ts';
import { outputContext, printJson } from '../../output.ts';
import { repoOption, withRepository } from './open.ts';

export function forgetCommand(): Command {
  return repoOption(new Command('forget'))
    .description('remove recovery points; their data is freed by the next prune')
    .argument('<point...>', 'recovery point ids')
    .addHelpText('after', '\nExample:\n  arca repo forget --repo /srv/arca-repo 20261122-004512-3f9a2c1d && arca repo prune --repo /srv/arca-repo\n')
    .action(async function (this: Command, points: string[], opts: { repo: string }) {
      const out = outputContext(this);
      await withRepository(opts.repo, async ({ repo }) => {
        for (const id of points) await forgetPoint(repo, id);
        if (out.format === 'json') return printJson(out, { forgotten: points });
        out.write(`Removed ${points.length} recovery point(s). Run \`arca repo prune\` to free their data.\n`);
      });
    });
}
