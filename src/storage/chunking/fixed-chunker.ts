import type { FileHandle } from 'node:fs/promises';

/** Disk images are cut into fixed pieces; 4 MiB keeps dedup useful and the index small. */
export const DEFAULT_IMAGE_CHUNK_SIZE = 4 * 1024 * 1024;

const ZEROS = new Uint8Array(DEFAULT_IMAGE_CHUNK_SIZE);

/** True when every byte is zero; such chunks are not stored, they become holes. */
export function isAllZero(data: Uint8Array): boolean {
  for (let offset = 0; offset < data.length; offset += ZEROS.length) {
    const piece = data.subarray(offset, Math.min(data.length, offset + ZEROS.length));
    if (!Buffer.from(piece.buffer, piece.byteOffset, piece.length).equals(ZEROS.subarray(0, piece.length))) return false;
  }
  return true;
}

export interface ImageChunk {
  readonly index: number;
  readonly offset: number;
  /** A buffer from `allocate`, owned by the consumer, who may transfer it to a worker. */
  readonly data: Uint8Array;
}

/** The image could not be read as expected (an I/O error, or it shrank while being read). */
export class ImageReadError extends Error {
  override name = 'ImageReadError';
}

async function readChunk(file: FileHandle, data: Uint8Array, offset: number, size: number): Promise<Uint8Array> {
  let filled = 0;
  while (filled < data.length) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await file.read(data, filled, data.length - filled, offset + filled));
    } catch (error) {
      throw new ImageReadError((error as Error).message, { cause: error });
    }
    if (bytesRead === 0) throw new ImageReadError(`it ended at byte ${offset + filled}, ${size} bytes were expected (did it shrink during the backup?)`);
    filled += bytesRead;
  }
  return data;
}

/**
 * Reads an image of known size in order, one fixed-size chunk at a time (the last may be shorter).
 * One read runs ahead of the consumer, so the disk and the consumer work at the same time; memory
 * stays bounded by the consumer, who asks for the next chunk only when it can take it.
 */
export async function* readFixedChunks(
  file: FileHandle,
  size: number,
  chunkSize = DEFAULT_IMAGE_CHUNK_SIZE,
  signal?: AbortSignal,
  allocate: (length: number) => Uint8Array = (length) => new Uint8Array(length),
): AsyncGenerator<ImageChunk> {
  const start = (offset: number) => (offset < size ? readChunk(file, allocate(Math.min(chunkSize, size - offset)), offset, size) : undefined);
  let next = start(0);
  for (let index = 0, offset = 0; next !== undefined; index++, offset += chunkSize) {
    signal?.throwIfAborted();
    const current = next;
    next = start(offset + chunkSize);
    // A read ahead that fails is reported when its turn comes, not as an unhandled rejection.
    next?.catch(() => undefined);
    yield { index, offset, data: await current };
  }
}
