import type { FileHandle } from 'node:fs/promises';
import { readChunk } from '../chunking/fixed-chunker.ts';

/** A chunk read from the image, or one known unchanged whose earlier id is reused without reading. */
export type PlannedChunk =
  | { readonly index: number; readonly offset: number; readonly length: number; readonly data: Uint8Array; readonly reused?: undefined }
  | { readonly index: number; readonly offset: number; readonly length: number; readonly reused: Uint8Array; readonly data?: undefined };

/** The earlier id of chunk `index` when it is known unchanged and may be referenced; asked in order. */
export type ReuseLookup = (index: number) => Promise<Uint8Array | undefined>;

/** Chunks queued ahead of the consumer at most, reused ones included (they cost nothing but a slot). */
const MAX_QUEUED = 64;

/**
 * Like readFixedChunks, but a chunk that `reuse` vouches for is handed on with its earlier id and
 * never read. Up to `ahead + 1` reads run ahead of the consumer; memory stays bounded by `allocate`.
 */
export async function* readChangedChunks(
  file: FileHandle,
  size: number,
  chunkSize: number,
  reuse: ReuseLookup,
  signal?: AbortSignal,
  allocate: (length: number) => Uint8Array | Promise<Uint8Array> = (length) => new Uint8Array(length),
  ahead = 1,
): AsyncGenerator<PlannedChunk> {
  const queue: { chunk: Promise<PlannedChunk>; read: boolean }[] = [];
  let reads = 0;
  let next = 0;
  let index = 0;
  const refill = async () => {
    while (next < size && reads <= ahead && queue.length < MAX_QUEUED) {
      const at = { index: index++, offset: next, length: Math.min(chunkSize, size - next) };
      next += at.length;
      const reused = await reuse(at.index);
      if (reused) {
        queue.push({ chunk: Promise.resolve({ ...at, reused }), read: false });
        continue;
      }
      const chunk = Promise.resolve(allocate(at.length)).then(async (data) => ({ ...at, data: await readChunk(file, data, at.offset, size) }));
      // A read ahead that fails is reported when its turn comes, not as an unhandled rejection.
      chunk.catch(() => undefined);
      queue.push({ chunk, read: true });
      reads++;
    }
  };
  for (;;) {
    await refill();
    const first = queue.shift();
    if (!first) return;
    signal?.throwIfAborted();
    if (first.read) reads--;
    yield await first.chunk;
  }
}
