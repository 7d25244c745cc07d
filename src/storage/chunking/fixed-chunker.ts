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

/**
 * Reads an image of known size in order, one fixed-size chunk at a time (the last may be shorter).
 * Memory is bounded by the consumer: the next read starts only when it asks for the next chunk.
 */
export async function* readFixedChunks(
  file: FileHandle,
  size: number,
  chunkSize = DEFAULT_IMAGE_CHUNK_SIZE,
  signal?: AbortSignal,
  allocate: (length: number) => Uint8Array = (length) => new Uint8Array(length),
): AsyncGenerator<ImageChunk> {
  for (let index = 0, offset = 0; offset < size; index++, offset += chunkSize) {
    signal?.throwIfAborted();
    const length = Math.min(chunkSize, size - offset);
    const data = allocate(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await file.read(data, filled, length - filled, offset + filled);
      if (bytesRead === 0) throw new Error(`image ended at byte ${offset + filled}, expected ${size} bytes`);
      filled += bytesRead;
    }
    yield { index, offset, data };
  }
}
