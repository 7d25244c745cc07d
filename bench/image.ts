import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { fillRecords, fillText, recordPool, textPool, type RecordPool } from './content.ts';
import { keystream, Rng } from './random.ts';

/**
 * The synthetic disk image: ~1 MiB extents, 4 KiB aligned like file-system blocks, each of one
 * kind. Zero extents are left as holes, so the file is sparse like a real disk image.
 */

export const EXTENT_KINDS = ['zero', 'text', 'binary', 'random'] as const;
export type ExtentKind = (typeof EXTENT_KINDS)[number];

const IMAGE_WEIGHTS: Record<ExtentKind, number> = { zero: 0.3, text: 0.25, binary: 0.15, random: 0.3 };
const MUTATION_WEIGHTS: Record<ExtentKind, number> = { zero: 0, text: 0.25, binary: 0, random: 0.75 };
export const MUTATED_FRACTION = 0.03;
const BLOCK = 4096;
const MIN_EXTENT = 512 * 1024;
const MAX_EXTENT = 1536 * 1024;

export interface Extent {
  index: number;
  offset: number;
  length: number;
  kind: ExtentKind;
}

/** How many bytes of each kind an image or a mutation holds. */
export type Composition = Record<ExtentKind, number>;

function pickKind(rng: Rng, weights: Record<ExtentKind, number>): ExtentKind {
  let roll = rng.float();
  for (const kind of EXTENT_KINDS) {
    roll -= weights[kind];
    if (roll < 0) return kind;
  }
  return 'random';
}

function extentLength(rng: Rng): number {
  return MIN_EXTENT + rng.below((MAX_EXTENT - MIN_EXTENT) / BLOCK + 1) * BLOCK;
}

export function planImage(sizeBytes: number, seed: string): Extent[] {
  const rng = new Rng(seed, 'layout');
  const extents: Extent[] = [];
  for (let offset = 0; offset < sizeBytes; ) {
    const length = Math.min(extentLength(rng), sizeBytes - offset);
    extents.push({ index: extents.length, offset, length, kind: pickKind(rng, IMAGE_WEIGHTS) });
    offset += length;
  }
  return extents;
}

/** Non-overlapping extents covering MUTATED_FRACTION of the image, at random block-aligned offsets. */
export function planMutation(sizeBytes: number, seed: string): Extent[] {
  const rng = new Rng(seed, 'mutation-layout');
  const extents: Extent[] = [];
  let covered = 0;
  for (let attempt = 0; covered < sizeBytes * MUTATED_FRACTION && attempt < 100_000; attempt++) {
    const length = Math.min(extentLength(rng), sizeBytes);
    const offset = rng.below(Math.floor((sizeBytes - length) / BLOCK) + 1) * BLOCK;
    if (extents.some((e) => offset < e.offset + e.length && e.offset < offset + length)) continue;
    extents.push({ index: extents.length, offset, length, kind: pickKind(rng, MUTATION_WEIGHTS) });
    covered += length;
  }
  return extents.toSorted((a, b) => a.offset - b.offset);
}

interface Pools {
  text: Buffer[];
  records: RecordPool;
}

function content(extent: Extent, seed: string, purpose: string, pools: Pools): Buffer {
  if (extent.kind === 'random') return keystream(seed, purpose, extent.index, extent.length);
  const target = Buffer.alloc(extent.length);
  const rng = new Rng(seed, `${purpose}:${extent.kind}:${extent.index}`);
  if (extent.kind === 'text') fillText(target, rng, pools.text, Date.UTC(2024, 0, 1) + extent.index * 3_600_000);
  else if (extent.kind === 'binary') fillRecords(target, rng, pools.records, extent.offset / 128);
  return target;
}

function emptyComposition(): Composition {
  return { zero: 0, text: 0, binary: 0, random: 0 };
}

async function writeExtents(path: string, flags: string, sizeBytes: number, extents: Extent[], seed: string, purpose: string): Promise<Composition> {
  const pools: Pools = { text: textPool(seed), records: recordPool(seed) };
  const composition = emptyComposition();
  const file = await open(path, flags);
  try {
    await file.truncate(sizeBytes);
    for (const extent of extents) {
      composition[extent.kind] += extent.length;
      if (extent.kind === 'zero') continue; // a hole: never written
      const bytes = content(extent, seed, purpose, pools);
      await file.write(bytes, 0, bytes.length, extent.offset);
    }
    await file.datasync();
  } finally {
    await file.close();
  }
  return composition;
}

/** Writes a fresh sparse image of `sizeBytes` at `path`; the same seed always gives the same bytes. */
export function writeImage(path: string, sizeBytes: number, seed: string): Promise<Composition> {
  return writeExtents(path, 'w', sizeBytes, planImage(sizeBytes, seed), seed, 'image');
}

/** Rewrites MUTATED_FRACTION of the image in place with new random data and new text. */
export async function mutateImage(path: string, sizeBytes: number, seed: string): Promise<{ extents: number; composition: Composition }> {
  const extents = planMutation(sizeBytes, seed);
  const composition = await writeExtents(path, 'r+', sizeBytes, extents, seed, 'mutation');
  return { extents: extents.length, composition };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
