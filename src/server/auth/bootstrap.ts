import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../../platform/files.ts';
import type { MetadataStore } from '../persistence/index.ts';
import { invalidArgument } from '../../core/errors/index.ts';
import { hashSecret, sameHash } from './secrets.ts';
import { isActive } from './token-record.ts';
import { allTokens, createToken, revokeToken } from './tokens.ts';

export const ADMIN_TOKEN_FILE = 'admin-token';

export interface BootstrapOptions {
  readonly now: Date;
  /** Where to write the secret (file `admin-token`, mode 0600). */
  readonly dataDir?: string;
  /** An Owner secret chosen at install time (ARCA_BOOTSTRAP_TOKEN); then no file is written. */
  readonly secret?: string;
}

export interface BootstrappedToken {
  readonly tokenId: string;
  /** The file holding the secret, when one was written: what the server prints instead of the secret. */
  readonly path?: string;
  /** Returned so a caller without a data dir can hand it over once; never log it. */
  readonly secret: string;
}

/**
 * On a start with no usable Owner token, creates one so the installation cannot lock itself out;
 * otherwise does nothing and resolves undefined. The check and the creation are one transaction.
 */
export async function bootstrapAdminToken(store: MetadataStore, options: BootstrapOptions): Promise<BootstrappedToken | undefined> {
  const { now, dataDir, secret } = options;
  const created = await store.transaction(async (tx) => {
    const owners = await allTokens(tx, 'Owner');
    if (owners.some((r) => isActive(r.data, now))) return undefined;
    // A secret chosen at install time is adopted once: after it was revoked it never comes back.
    if (secret !== undefined && (await allTokens(tx)).some((r) => sameHash(r.data.hash, hashSecret(secret)))) {
      throw invalidArgument('ARCA_BOOTSTRAP_TOKEN', 'this secret was used before and has been revoked; choose a new one');
    }
    return createToken(tx, { name: 'bootstrap admin', role: 'Owner', now, ...(secret === undefined ? {} : { secret }) });
  });
  if (created === undefined) return undefined;
  if (dataDir === undefined || secret !== undefined) return { tokenId: created.id, secret: created.secret };
  try {
    const path = await writeSecretFile(dataDir, created.secret);
    return { tokenId: created.id, path, secret: created.secret };
  } catch (error) {
    // Nobody could ever learn this secret: revoke it so the next start tries again.
    await revokeToken(store, created.id, now);
    throw error;
  }
}

/** The secret goes to a private folder through an atomic write, so the file never holds less or wider. */
async function writeSecretFile(dataDir: string, secret: string): Promise<string> {
  await ensurePrivateDir(dataDir);
  const path = join(dataDir, ADMIN_TOKEN_FILE);
  await writeFileAtomic(path, `${secret}\n`, 0o600);
  return path;
}
