import { ArcaError } from '../core/errors/index.ts';

/** Reads a line from the terminal without echoing it. */
function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let typed = '';
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new Error('interrupted'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * The repository passphrase: ARCA_PASSPHRASE, else asked on the terminal (twice when creating),
 * else a catalog error saying how to provide it. Never logged, never echoed.
 */
export async function readPassphrase(location: string, confirm: boolean): Promise<string> {
  const fromEnv = process.env.ARCA_PASSPHRASE;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) throw new ArcaError('RepositoryPassphraseMissing', { location });
  const first = await askHidden(`Passphrase for ${location}: `);
  if (first === '') throw new ArcaError('RepositoryPassphraseMissing', { location });
  if (confirm && (await askHidden('Type it again: ')) !== first) {
    throw new ArcaError('UserErrorInvalidArgument', { name: 'passphrase', reason: 'the two entries differ' });
  }
  return first;
}

/** A new passphrase: ARCA_NEW_PASSPHRASE, else asked twice on the terminal. */
export async function readNewPassphrase(location: string): Promise<string> {
  const fromEnv = process.env.ARCA_NEW_PASSPHRASE;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) throw new ArcaError('RepositoryPassphraseMissing', { location });
  const first = await askHidden(`New passphrase for ${location}: `);
  if (first === '') throw new ArcaError('RepositoryPassphraseMissing', { location });
  if ((await askHidden('Type it again: ')) !== first) {
    throw new ArcaError('UserErrorInvalidArgument', { name: 'passphrase', reason: 'the two entries differ' });
  }
  return first;
}
