import { randomBytes } from 'node:crypto';
import { AuthenticationError, open, roleAad, seal } from '../crypto/aead.ts';
import { MASTER_KEY_BYTES } from '../crypto/keys.ts';
import { DEFAULT_SCRYPT, isScryptKdf, stretch, stretchFor, type ScryptKdf, type ScryptParams } from './passphrase-kdf.ts';

/**
 * A key file wraps the repository's master key under one key-encryption key. Several may exist;
 * adding or removing one (a new passphrase) never touches the data, which is sealed under keys
 * derived from the master key itself. How a passphrase is stretched: passphrase-kdf.ts.
 */
export interface KeyFile {
  readonly version: 1;
  readonly kind: 'passphrase';
  readonly created: string;
  readonly kdf: ScryptKdf;
  /** base64 of the sealed master key. */
  readonly wrapped: string;
}

export async function wrapMasterKey(master: Uint8Array, passphrase: string, created: Date, params: ScryptParams = DEFAULT_SCRYPT): Promise<KeyFile> {
  const kdf: ScryptKdf = { name: 'scrypt-lanes', salt: randomBytes(16).toString('base64'), N: params.N, r: params.r, p: params.p };
  const kek = await stretch(passphrase, kdf);
  return {
    version: 1,
    kind: 'passphrase',
    created: created.toISOString(),
    kdf,
    wrapped: Buffer.from(seal(kek, master, roleAad('master-key'))).toString('base64'),
  };
}

/** The master key, or undefined when this key file does not open with the passphrase. */
export async function unwrapMasterKey(file: KeyFile, passphrase: string): Promise<Uint8Array | undefined> {
  const kek = await stretchFor(file.kdf, passphrase);
  try {
    const master = open(kek, Buffer.from(file.wrapped, 'base64'), roleAad('master-key'));
    return master.length === MASTER_KEY_BYTES ? master : undefined;
  } catch (error) {
    if (error instanceof AuthenticationError) return undefined;
    throw error;
  }
}

export function isKeyFile(value: unknown): value is KeyFile {
  const v = value as KeyFile;
  return (
    typeof v === 'object' && v !== null && v.version === 1 && v.kind === 'passphrase' && typeof v.wrapped === 'string' && isScryptKdf(v.kdf)
  );
}
