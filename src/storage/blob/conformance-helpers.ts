import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { isArcaError, type CatalogCode } from '../../core/errors/index.ts';
import type { BlobInfo, BlobStore } from './blob-store.ts';
import { sameBytes } from './same-bytes.ts';

export const MiB = 1 << 20;

/** Declares one conformance test that runs `body` against a fresh, empty store. */
export type StoreTest = (title: string, body: (store: BlobStore) => Promise<void>) => void;

export function text(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

/** Random bytes: every blob differs, so a mixed-up object never passes for the right one. */
export function noise(size: number): Uint8Array {
  return new Uint8Array(randomBytes(size));
}

export async function collect(listing: AsyncIterable<BlobInfo>): Promise<BlobInfo[]> {
  const found: BlobInfo[] = [];
  for await (const info of listing) found.push(info);
  return found;
}

export async function keysOf(listing: AsyncIterable<BlobInfo>): Promise<string[]> {
  return (await collect(listing)).map((info) => info.key).toSorted();
}

/** Asserts `work` rejects with an ArcaError of `code`. */
export async function rejectsWithCode(work: Promise<unknown>, code: CatalogCode): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(isArcaError(error), `expected ArcaError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

export function assertSameBytes(actual: Uint8Array, expected: Uint8Array, message?: string): void {
  assert.ok(sameBytes(actual, expected), message ?? `expected ${expected.length} bytes, got ${actual.length} that differ`);
}

/** What a reader saw at one moment: no object (undefined) or its bytes. */
export async function observe(read: () => Promise<Uint8Array>): Promise<Uint8Array | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isArcaError(error) && error.code === 'RepositoryBlobNotFound') return undefined;
    throw error;
  }
}

/** Asserts `work` rejects with exactly `reason`, as calls cut short by an AbortSignal do. */
export async function rejectsWithReason(work: Promise<unknown>, reason: unknown): Promise<void> {
  await assert.rejects(work, (error: unknown) => error === reason);
}
