import { DEFAULT_IMAGE_CHUNK_SIZE } from '../chunking/fixed-chunker.ts';
import { DEFAULT_ZSTD_LEVEL } from '../compression.ts';

/** Repository format versions this code reads and writes. */
export const FORMAT_VERSION = 1;
export const SUPPORTED_VERSIONS: readonly number[] = [1];

/** Settings fixed when the repository is created; stored sealed under key `config`. */
export interface RepositoryConfig {
  readonly version: number;
  readonly id: string;
  readonly created: string;
  readonly imageChunkSize: number;
  readonly packTargetSize: number;
  readonly zstdLevel: number;
}

export const PACK_TARGET_SIZE = 16 * 1024 * 1024;
export const MAX_PACK_SIZE = 64 * 1024 * 1024;

export function newConfig(id: string, created: Date, overrides: Partial<Pick<RepositoryConfig, 'imageChunkSize' | 'packTargetSize' | 'zstdLevel'>> = {}): RepositoryConfig {
  return {
    version: FORMAT_VERSION,
    id,
    created: created.toISOString(),
    imageChunkSize: overrides.imageChunkSize ?? DEFAULT_IMAGE_CHUNK_SIZE,
    packTargetSize: overrides.packTargetSize ?? PACK_TARGET_SIZE,
    zstdLevel: overrides.zstdLevel ?? DEFAULT_ZSTD_LEVEL,
  };
}
