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

/** Fills `data` from `offset`, or throws ImageReadError. */
export async function readChunk(file: FileHandle, data: Uint8Array, offset: number, size: number): Promise<Uint8Array> {
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
 * Up to `ahead` reads run ahead of the consumer, so the disk and the consumer work at the same time.
 * Memory stays bounded by `allocate`: a read starts only once it has its buffer, and a consumer
 * whose allocator waits for buffers to come back (BufferPool) holds the reads back.
 */
export async function* readFixedChunks(
  file: FileHandle,
  size: number,
  chunkSize = DEFAULT_IMAGE_CHUNK_SIZE,
  signal?: AbortSignal,
  allocate: (length: number) => Uint8Array | Promise<Uint8Array> = (length) => new Uint8Array(length),
  ahead = 1,
): AsyncGenerator<ImageChunk> {
  const reads: Promise<Uint8Array>[] = [];
  let next = 0;
  const refill = () => {
    while (reads.length <= ahead && next < size) {
      const offset = next;
      const length = Math.min(chunkSize, size - offset);
      const read = Promise.resolve(allocate(length)).then((data) => readChunk(file, data, offset, size));
      // A read ahead that fails is reported when its turn comes, not as an unhandled rejection.
      read.catch(() => undefined);
      reads.push(read);
      next += length;
    }
  };
  refill();
  for (let index = 0, offset = 0; reads.length > 0; index++, offset += chunkSize) {
    signal?.throwIfAborted();
    const current = reads.shift() as Promise<Uint8Array>;
    refill();
    yield { index, offset, data: await current };
  }
}
