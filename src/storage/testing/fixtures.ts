import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { systemClock } from '../../platform/system-clock.ts';
import type { BlobStore } from '../blob/blob-store.ts';
import { Repository } from '../repository/repository.ts';
import { ChunkWorkerPool } from '../workers/worker-pool.ts';

/** Small chunks and packs, cheap key stretching: many packs and pieces from a few MiB of test data. */
export const TEST_CONFIG = { imageChunkSize: 64 * 1024, packTargetSize: 256 * 1024, zstdLevel: 3 } as const;
export const TEST_SCRYPT = { N: 2 ** 14, r: 8, p: 1 } as const;
export const TEST_PASSPHRASE = 'correct horse battery staple';

export async function testRepository(store: BlobStore, config: Partial<typeof TEST_CONFIG> = {}): Promise<{ repo: Repository; pool: ChunkWorkerPool }> {
  const repo = await Repository.init(store, { passphrase: TEST_PASSPHRASE, clock: systemClock, scrypt: TEST_SCRYPT, config: { ...TEST_CONFIG, ...config } });
  return { repo, pool: new ChunkWorkerPool(repo.keys, repo.config.zstdLevel, 2) };
}

/** Deterministic bytes for a seed (AES-CTR keystream): fast, and the same on every machine. */
export function pseudoRandom(seed: number, length: number): Uint8Array {
  const key = createHash('sha256').update(`arca-test-${seed}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return new Uint8Array(cipher.update(Buffer.alloc(length)));
}

export interface ImageShape {
  readonly size: number;
  readonly seed: number;
  /** Fraction of 64 KiB blocks left as holes (never written), like unused space on a disk. */
  readonly zeroShare?: number;
  /** Fraction of blocks filled with repetitive text, which compresses well. */
  readonly textShare?: number;
}

const BLOCK = 64 * 1024;

/** Writes a sparse image mixing holes, text-like and random blocks, the same for the same shape. */
export async function writeImage(path: string, shape: ImageShape): Promise<void> {
  const file = await open(path, 'w');
  try {
    const plan = pseudoRandom(shape.seed + 1_000_000, Math.ceil(shape.size / BLOCK));
    for (let at = 0, n = 0; at < shape.size; at += BLOCK, n++) {
      const pick = (plan[n] as number) / 256;
      const length = Math.min(BLOCK, shape.size - at);
      if (pick < (shape.zeroShare ?? 0.3)) continue;
      const data = pick < (shape.zeroShare ?? 0.3) + (shape.textShare ?? 0.3) ? text(n + shape.seed, length) : pseudoRandom(shape.seed * 7919 + n, length);
      await file.write(data, 0, length, at);
    }
    await file.truncate(shape.size);
  } finally {
    await file.close();
  }
}

function text(n: number, length: number): Uint8Array {
  const line = `${new Date(1_700_000_000_000 + n * 1000).toISOString()} host-${n % 17} service[${n % 999}]: request ${n} served in ${n % 250} ms\n`;
  return new TextEncoder().encode(line.repeat(Math.ceil(length / line.length)).slice(0, length));
}

/** Overwrites `count` blocks of `length` bytes at seeded offsets with new random data. */
export async function mutateImage(path: string, seed: number, count: number, length: number): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const { size } = await file.stat();
    const offsets = pseudoRandom(seed, count * 4);
    for (let i = 0; i < count; i++) {
      const at = Math.floor((new DataView(offsets.buffer).getUint32(i * 4, true) / 2 ** 32) * Math.max(1, size - length));
      await file.write(pseudoRandom(seed * 31 + i, length), 0, length, at);
    }
  } finally {
    await file.close();
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
