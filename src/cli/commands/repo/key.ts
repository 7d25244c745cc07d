import { Command } from 'commander';
import { ArcaError } from '../../../core/errors/index.ts';
import { formatTable, outputContext, printJson } from '../../output.ts';
import { readNewPassphrase } from '../../passphrase.ts';
import { repoOption, withRepository } from './open.ts';

/** `arca repo key`: passphrases of a repository. Changing them rewraps the master key only. */
export function keyCommand(): Command {
  const key = new Command('key').description('list, add, remove and change the passphrases that open a repository');

  repoOption(key.command('list'))
    .description('list the key files; the one that opened the repository is marked')
    .addHelpText('after', '\nExample:\n  ARCA_PASSPHRASE=secret arca repo key list --repo /srv/arca-repo\n')
    .action(async function (this: Command, opts: { repo: string }) {
      const out = outputContext(this);
      await withRepository(opts.repo, async ({ repo }) => {
        const keys = (await repo.listKeys()).map((k) => ({ ...k, current: k.id === repo.keyId }));
        if (out.format === 'json') return printJson(out, keys);
        out.write(formatTable(['ID', 'CREATED', 'CURRENT'], keys.map((k) => [k.id, k.created, k.current ? 'yes' : ''])));
      });
    });

  repoOption(key.command('add'))
    .description('add another passphrase (ARCA_NEW_PASSPHRASE, or asked twice on a terminal)')
    .addHelpText('after', '\nExample:\n  ARCA_PASSPHRASE=secret ARCA_NEW_PASSPHRASE=second arca repo key add --repo /srv/arca-repo\n')
    .action(async function (this: Command, opts: { repo: string }) {
      const out = outputContext(this);
      await withRepository(opts.repo, async ({ repo }) => {
        const id = await repo.addKey(await readNewPassphrase(repo.store.location));
        if (out.format === 'json') return printJson(out, { id });
        out.write(`Added key ${id}.\n`);
      });
    });

  repoOption(key.command('remove'))
    .description('remove a key file; the last one cannot be removed, also when removals run at the same time')
    .argument('<id>', 'key id from `arca repo key list`')
    .addHelpText('after', '\nExample:\n  ARCA_PASSPHRASE=second arca repo key remove 3f2a9c1e --repo /srv/arca-repo\n')
    .action(async function (this: Command, id: string, opts: { repo: string }) {
      const out = outputContext(this);
      await withRepository(opts.repo, async ({ repo }) => {
        if (id === repo.keyId) throw new ArcaError('UserErrorInvalidArgument', { name: 'id', reason: 'it is the key in use now; open the repository with another passphrase to remove it, or use `arca repo key passwd`' });
        await repo.removeKey(id);
        if (out.format === 'json') return printJson(out, { removed: id });
        out.write(`Removed key ${id}.\n`);
      });
    });

  repoOption(key.command('passwd'))
    .description('change the passphrase in use: add the new one, then remove the old key file')
    .addHelpText('after', '\nExample:\n  ARCA_PASSPHRASE=old ARCA_NEW_PASSPHRASE=new arca repo key passwd --repo /srv/arca-repo\n')
    .action(async function (this: Command, opts: { repo: string }) {
      const out = outputContext(this);
      await withRepository(opts.repo, async ({ repo }) => {
        const old = repo.keyId;
        const id = await repo.addKey(await readNewPassphrase(repo.store.location));
        await repo.removeKey(old);
        if (out.format === 'json') return printJson(out, { id, removed: old });
        out.write(`Passphrase changed (key ${old} replaced by ${id}). No data was rewritten.\n`);
      });
    });

  return key;
}
