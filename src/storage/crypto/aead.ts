import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { releaseBuffer } from '../workers/release-memory.ts';

/**
 * Authenticated encryption of every object Arca stores: AES-256-GCM, sealed as
 * `nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`.
 *
 * Nonce discipline: every seal draws a fresh 96-bit nonce from the operating system's CSPRNG. Writers
 * run concurrently on several machines without coordination, so counters are not an option; with
 * random nonces the chance of a repeat stays below 2^-32 for up to 2^32 seals under one key, which
 * at 4 MiB per chunk is far beyond any repository's size. The associated data binds each sealed
 * object to what it claims to be (a chunk to its id, a pack header to its role), so objects cannot
 * be swapped for one another without the tag failing.
 */
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const SEAL_OVERHEAD = NONCE_BYTES + TAG_BYTES;

export function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(associatedData);
  const out = new Uint8Array(NONCE_BYTES + plaintext.length + TAG_BYTES);
  out.set(nonce, 0);
  let offset = NONCE_BYTES;
  const body = cipher.update(plaintext);
  out.set(body, offset);
  offset += body.length;
  releaseBuffer(body);
  const final = cipher.final();
  out.set(final, offset);
  offset += final.length;
  out.set(cipher.getAuthTag(), offset);
  return out;
}

export class AuthenticationError extends Error {
  constructor() {
    super('authentication failed: the data was altered or the key is wrong');
    this.name = 'AuthenticationError';
  }
}

/** Opens a sealed object; throws AuthenticationError when a single bit differs. */
export function open(key: Uint8Array, sealed: Uint8Array, associatedData: Uint8Array): Uint8Array {
  if (sealed.length < SEAL_OVERHEAD) throw new AuthenticationError();
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData);
  decipher.setAuthTag(tag);
  try {
    const first = decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES));
    const last = decipher.final();
    if (last.length === 0) return new Uint8Array(first.buffer, first.byteOffset, first.length);
    const out = new Uint8Array(first.length + last.length);
    out.set(first, 0);
    out.set(last, first.length);
    return out;
  } catch {
    throw new AuthenticationError();
  }
}

const encoder = new TextEncoder();

/** Associated data for objects identified by a role and a name, e.g. ('index', fileName). */
export function roleAad(role: string, name = ''): Uint8Array {
  return encoder.encode(`arca/v1/${role}/${name}`);
}
