import { hkdf, scrypt } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Uint8Array, length: number, options: object) => Promise<Buffer>;
const hkdfAsync = promisify(hkdf);

/**
 * Passphrases are stretched with scrypt, which is memory-hard: each guess costs an attacker two
 * scrypt lanes of N=2^16, r=8 (64 MiB each), about a third of a second of one core here, and cannot
 * be moved cheaply onto GPUs.
 *
 * Two kinds of key file exist (the name is in the file):
 * - `scrypt-lanes` (new key files): `p` independent scrypt computations with p=1, each over the
 *   salt followed by its lane number, run at the same time on libuv's thread pool; the key is
 *   HKDF-SHA256 over their outputs in lane order. This is the work of scrypt with the same `p`
 *   (whose lanes are independent too), done on two cores instead of one: a command opening a
 *   repository waits half as long, and a guess costs an attacker exactly as much.
 * - `scrypt` (earlier key files): one scrypt call with `p` lanes, which OpenSSL runs one after the
 *   other. Still opened as before; `arca repo key passwd` rewraps under the new kind.
 *
 * This module needs nothing but node:crypto, so that a command can start stretching before the
 * rest of the repository code has loaded (unlock-ahead.ts).
 */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 16, r: 8, p: 2 };

export const KDF_NAMES = ['scrypt-lanes', 'scrypt'] as const;

/** How a key file says its passphrase was stretched. */
export type ScryptKdf = { readonly name: (typeof KDF_NAMES)[number]; readonly salt: string } & ScryptParams;

/** Bounds on the stretching a key file may ask for, so that a planted file cannot demand gigabytes. */
const SCRYPT_LIMITS = { N: 2 ** 20, r: 32, p: 16 } as const;

const within = (n: unknown, max: number) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= max;

export function isScryptKdf(value: unknown): value is ScryptKdf {
  const v = value as ScryptKdf;
  return (
    typeof v === 'object' && v !== null && KDF_NAMES.includes(v.name) && typeof v.salt === 'string' &&
    within(v.N, SCRYPT_LIMITS.N) && within(v.r, SCRYPT_LIMITS.r) && within(v.p, SCRYPT_LIMITS.p)
  );
}

function scryptOnce(passphrase: string, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  // What OpenSSL allocates: the N-block table once, reused by every lane, plus the lanes' blocks.
  const maxmem = 128 * params.r * (params.N + params.p + 2) + 1024 * 1024;
  return scryptAsync(passphrase.normalize('NFC'), salt, 32, { N: params.N, r: params.r, p: params.p, maxmem });
}

/** The 32-byte key-encryption key for `passphrase` under `kdf`. */
export async function stretch(passphrase: string, kdf: ScryptKdf): Promise<Uint8Array> {
  const salt = Buffer.from(kdf.salt, 'base64');
  if (kdf.name === 'scrypt') return new Uint8Array(await scryptOnce(passphrase, salt, kdf));
  const lanes: Buffer[] = [];
  // Two at a time: both cores, and no more memory at once than two lanes' tables.
  for (let first = 0; first < kdf.p; first += 2) {
    const batch = [first, first + 1].filter((lane) => lane < kdf.p);
    lanes.push(...(await Promise.all(batch.map((lane) => scryptOnce(passphrase, Buffer.concat([salt, Uint8Array.of(lane)]), { N: kdf.N, r: kdf.r, p: 1 })))));
  }
  return new Uint8Array(await hkdfAsync('sha256', Buffer.concat(lanes), salt, 'arca/v1/kek-lanes', 32));
}

/**
 * Stretches started before anyone asked (stretchAhead), by salt and parameters. Each is taken
 * once, and only with the passphrase it was started with.
 */
const ahead = new Map<string, { readonly passphrase: string; readonly kek: Promise<Uint8Array> }>();
const aheadKey = (kdf: ScryptKdf) => `${kdf.name}/${kdf.salt}/${kdf.N}/${kdf.r}/${kdf.p}`;

/**
 * Starts stretching `passphrase` as `kdf` says, now, on libuv's thread pool, so that a short
 * command can load its modules and start its workers while scrypt runs; stretchFor then takes the
 * result instead of stretching again. A failure is left for stretchFor to meet.
 */
export function stretchAhead(kdf: ScryptKdf, passphrase: string): void {
  const kek = stretch(passphrase, kdf);
  kek.catch(() => undefined);
  ahead.set(aheadKey(kdf), { passphrase, kek });
}

/** The key-encryption key for a key file's `kdf`: the one stretched ahead if any, else stretched now. */
export function stretchFor(kdf: ScryptKdf, passphrase: string): Promise<Uint8Array> {
  const key = aheadKey(kdf);
  const started = ahead.get(key);
  if (started !== undefined && started.passphrase === passphrase) {
    ahead.delete(key);
    return started.kek;
  }
  return stretch(passphrase, kdf);
}
