export { FastCdcChunker, type FastCdcOptions } from './fastcdc.ts';
export { LARGEST_MAX_SIZE, SMALLEST_MIN_SIZE, VM_FILE_CHUNK_SIZES, validateChunkSizes, type ChunkSizes } from './chunk-sizes.ts';
export { CHUNKER_KEY_BYTES } from './gear-table.ts';
