import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import { ArcaError } from '../core/errors/index.ts';
import { writeFileAtomic } from '../platform/files.ts';
import { LocalFsBlobStore } from '../storage/blob/local-fs-blob-store.ts';
import { RetryingBlobStore } from '../storage/blob/retrying-blob-store.ts';
import { LAYOUT } from '../storage/repository/layout.ts';
import { Repository } from '../storage/repository/repository.ts';

export const REPOSITORY_FOLDER = 'repository';
export const REPOSITORY_PASSPHRASE_FILE = 'repository-passphrase';

export interface VaultRepository {
  readonly repo: Repository;
  /** The folder, for agents on this host and for messages. */
  readonly path: string;
}

async function readPassphrase(file: string): Promise<string | undefined> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Opens the vault's repository in `<data-dir>/repository`, creating it on first start (ADR 5). The
 * passphrase comes from ARCA_REPOSITORY_PASSPHRASE or, by default, from a random one drawn into a
 * private file beside it; it is never logged or sent to agents.
 */
export async function openVaultRepository(dataDir: string, clock: Clock, passphraseFromEnv?: string): Promise<VaultRepository> {
  const path = join(dataDir, REPOSITORY_FOLDER);
  const store = new RetryingBlobStore(new LocalFsBlobStore(path));
  const file = join(dataDir, REPOSITORY_PASSPHRASE_FILE);
  let passphrase = passphraseFromEnv || (await readPassphrase(file));
  const exists = (await store.stat(LAYOUT.config)) !== undefined;
  if (!exists) {
    if (passphrase === undefined) {
      passphrase = randomBytes(32).toString('base64url');
      await writeFileAtomic(file, `${passphrase}\n`, 0o600);
    }
    return { repo: await Repository.init(store, { passphrase, clock }), path };
  }
  if (passphrase === undefined) {
    throw new ArcaError('UserErrorInvalidArgument', {
      name: 'ARCA_REPOSITORY_PASSPHRASE',
      reason: `the vault's repository in ${path} exists but neither ARCA_REPOSITORY_PASSPHRASE nor ${file} gives its passphrase`,
    });
  }
  return { repo: await Repository.open(store, { passphrase, clock }), path };
}
