import { invalidArgument } from '../../core/errors/index.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Bounds of content-defined chunks, in bytes: every chunk but a stream's last is minSize..maxSize long. */
export interface ChunkSizes {
  readonly minSize: number;
  /** The size chunks gather around; a power of two, because the cut test counts zero bits. */
  readonly avgSize: number;
  readonly maxSize: number;
}

/** File data inside VM backups: large chunks keep the index small; 8 MiB caps what one chunk can hold. */
export const VM_FILE_CHUNK_SIZES: ChunkSizes = Object.freeze({ minSize: 512 * KiB, avgSize: 1 * MiB, maxSize: 8 * MiB });

/** Below this the keyed hash would not yet cover a full window when the first cut is tested. */
export const SMALLEST_MIN_SIZE = 64;
/** Above this a single chunk costs too much memory in every stage of the pipeline. */
export const LARGEST_MAX_SIZE = 64 * MiB;

/** Fills what `sizes` leaves out from VM_FILE_CHUNK_SIZES and checks the result; throws UserErrorInvalidArgument. */
export function validateChunkSizes(sizes: Partial<ChunkSizes> = {}): ChunkSizes {
  const minSize = sizes.minSize ?? VM_FILE_CHUNK_SIZES.minSize;
  const avgSize = sizes.avgSize ?? VM_FILE_CHUNK_SIZES.avgSize;
  const maxSize = sizes.maxSize ?? VM_FILE_CHUNK_SIZES.maxSize;
  for (const [name, value] of [['minSize', minSize], ['avgSize', avgSize], ['maxSize', maxSize]] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) throw invalidArgument(name, `${value} is not a positive whole number of bytes`);
  }
  if (!Number.isInteger(Math.log2(avgSize))) throw invalidArgument('avgSize', `${avgSize} is not a power of two`);
  if (minSize < SMALLEST_MIN_SIZE) throw invalidArgument('minSize', `${minSize} is below ${SMALLEST_MIN_SIZE} bytes`);
  if (minSize >= avgSize) throw invalidArgument('minSize', `${minSize} must be smaller than avgSize (${avgSize})`);
  if (maxSize <= avgSize) throw invalidArgument('maxSize', `${maxSize} must be larger than avgSize (${avgSize})`);
  if (maxSize > LARGEST_MAX_SIZE) throw invalidArgument('maxSize', `${maxSize} is above ${LARGEST_MAX_SIZE} bytes (64 MiB)`);
  return Object.freeze({ minSize, avgSize, maxSize });
}
