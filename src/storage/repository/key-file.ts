import { randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { AuthenticationError, open, roleAad, seal } from '../crypto/aead.ts';
import { MASTER_KEY_BYTES } from '../crypto/keys.ts';

const scryptAsync = promisify(scrypt) as (password: string, salt: Uint8Array, length: number, options: object) => Promise<Buffer>;

/**
 * A key file wraps the repository's master key under one key-encryption key. Several may exist;
 * adding or removing one (a new passphrase) never touches the data, which is sealed under keys
 * derived from the master key itself.
 *
 * Passphrases are stretched with scrypt, which is memory-hard: N=2^16, r=8, p=2 costs 64 MiB and
 * about a third of a second per attempt here, so guessing is slow and cannot be moved cheaply onto
 * GPUs. Two lanes of 64 MiB do the work of one of 128 MiB in the same time (scrypt runs its lanes
 * one after the other in the same memory), and keep the peak of every command that opens a
 * repository 64 MiB lower. Key files made with other parameters keep them (they are in the file).
 */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 16, r: 8, p: 2 };

export interface KeyFile {
  readonly version: 1;
  readonly kind: 'passphrase';
  readonly created: string;
  readonly kdf: { readonly name: 'scrypt'; readonly salt: string } & ScryptParams;
  /** base64 of the sealed master key. */
  readonly wrapped: string;
}

async function stretch(passphrase: string, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  // What OpenSSL allocates: the N-block table once, reused by every lane, plus the lanes' blocks.
  const maxmem = 128 * params.r * (params.N + params.p + 2) + 1024 * 1024;
  return new Uint8Array(await scryptAsync(passphrase.normalize('NFC'), salt, 32, { N: params.N, r: params.r, p: params.p, maxmem }));
}

export async function wrapMasterKey(master: Uint8Array, passphrase: string, created: Date, params: ScryptParams = DEFAULT_SCRYPT): Promise<KeyFile> {
  const salt = randomBytes(16);
  const kek = await stretch(passphrase, salt, params);
  return {
    version: 1,
    kind: 'passphrase',
    created: created.toISOString(),
    kdf: { name: 'scrypt', salt: salt.toString('base64'), ...params },
    wrapped: Buffer.from(seal(kek, master, roleAad('master-key'))).toString('base64'),
  };
}

/** The master key, or undefined when this key file does not open with the passphrase. */
export async function unwrapMasterKey(file: KeyFile, passphrase: string): Promise<Uint8Array | undefined> {
  const kek = await stretch(passphrase, Buffer.from(file.kdf.salt, 'base64'), file.kdf);
  try {
    const master = open(kek, Buffer.from(file.wrapped, 'base64'), roleAad('master-key'));
    return master.length === MASTER_KEY_BYTES ? master : undefined;
  } catch (error) {
    if (error instanceof AuthenticationError) return undefined;
    throw error;
  }
}

/** Bounds on the stretching a key file may ask for, so that a planted file cannot demand gigabytes. */
const SCRYPT_LIMITS = { N: 2 ** 20, r: 32, p: 16 } as const;

const within = (n: unknown, max: number) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= max;

export function isKeyFile(value: unknown): value is KeyFile {
  const v = value as KeyFile;
  return (
    typeof v === 'object' && v !== null && v.version === 1 && v.kind === 'passphrase' && typeof v.wrapped === 'string' &&
    typeof v.kdf === 'object' && v.kdf !== null && v.kdf.name === 'scrypt' && typeof v.kdf.salt === 'string' &&
    within(v.kdf.N, SCRYPT_LIMITS.N) && within(v.kdf.r, SCRYPT_LIMITS.r) && within(v.kdf.p, SCRYPT_LIMITS.p)
  );
}
