import { createCipheriv, createHash } from 'node:crypto';

/**
 * Seeded randomness for the image generator. Everything derives from the user's `--seed` and a
 * purpose string, so an extent's content depends only on (seed, purpose, index) and not on the
 * order in which extents are written.
 */

function derive(seed: string, purpose: string): Buffer {
  return createHash('sha256').update(`arca-bench\0${seed}\0${purpose}`).digest();
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** xoshiro128** (Blackman and Vigna): small, fast and good enough for synthetic data. */
export class Rng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  constructor(seed: string, purpose: string) {
    const bytes = derive(seed, purpose);
    this.#s0 = bytes.readUInt32LE(0);
    this.#s1 = bytes.readUInt32LE(4);
    this.#s2 = bytes.readUInt32LE(8);
    this.#s3 = bytes.readUInt32LE(12) | 1; // the all-zero state is the one the generator never leaves
  }

  /** A uniform unsigned 32-bit integer. */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5), 7), 9) >>> 0;
    const t = this.#s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** A uniform number in [0, 1) with 53 bits of precision. */
  float(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }
}

const ZEROS = Buffer.alloc(4 << 20);

/**
 * Incompressible bytes: the AES-256-CTR keystream of a key derived from (seed, purpose), with the
 * extent index as the counter block's high half. Gigabytes per second, and reproducible.
 */
export function keystream(seed: string, purpose: string, index: number, length: number): Buffer {
  const key = derive(seed, `${purpose}:aes-key`);
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(Math.floor(index / 2 ** 32), 0);
  iv.writeUInt32BE(index >>> 0, 4);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  const parts: Buffer[] = [];
  for (let done = 0; done < length; done += ZEROS.length) {
    parts.push(cipher.update(ZEROS.subarray(0, Math.min(ZEROS.length, length - done))));
  }
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}
