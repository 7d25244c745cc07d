import { Command } from 'commander';
import { backupImageCommand } from './backup-image.ts';
import { forgetCommand } from './forget.ts';
import { initCommand } from './init.ts';
import { keyCommand } from './key.ts';
import { pruneCommand } from './prune.ts';
import { restoreImageCommand } from './restore-image.ts';
import { statsCommand } from './stats.ts';
import { verifyCommand } from './verify.ts';

/** `arca repo`: the repository's own tools, for operators and the benchmark. */
export function repoCommand(): Command {
  return new Command('repo')
    .description('work on a backup repository directly: init, backup-image, restore-image, verify, forget, prune, stats')
    .addCommand(initCommand())
    .addCommand(backupImageCommand())
    .addCommand(restoreImageCommand())
    .addCommand(verifyCommand())
    .addCommand(forgetCommand())
    .addCommand(pruneCommand())
    .addCommand(statsCommand())
    .addCommand(keyCommand());
}
