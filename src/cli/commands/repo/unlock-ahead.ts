import { resolve } from 'node:path';
import { unlockAhead } from '../../../storage/repository/unlock-ahead.ts';

/** The `arca repo` commands that open an existing repository with a passphrase. */
const OPENING = new Set(['backup-image', 'restore-image', 'verify', 'prune', 'stats', 'forget', 'key']);

function repoArgument(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') break;
    if (arg === '--repo') return args[i + 1];
    if (arg.startsWith('--repo=')) return arg.slice('--repo='.length);
  }
  return process.env.ARCA_REPO;
}

/**
 * `arca repo …` spends a third of a second stretching the passphrase (key-file.ts); started here,
 * from the raw arguments, it runs while commander and the data path load. Only when the passphrase
 * comes from ARCA_PASSPHRASE: a terminal prompt has to wait for the parsed command.
 */
export function startUnlockAhead(args: readonly string[]): void {
  const passphrase = process.env.ARCA_PASSPHRASE;
  const dir = repoArgument(args);
  if (args[0] !== 'repo' || !OPENING.has(args[1] ?? '') || !passphrase || !dir) return;
  unlockAhead(resolve(dir), passphrase);
}
