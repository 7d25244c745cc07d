import { hkdfSync, randomBytes } from 'node:crypto';
import { Blake3Hasher } from '@napi-rs/blake-hash';

/**
 * The keys one repository uses, all derived from one random 32-byte master key with HKDF-SHA256, so
 * that rewrapping the master key (new passphrase, new key-encryption key) never touches data.
 */
export interface RepositoryKeys {
  /** AES-256-GCM key for every sealed object: chunks, pack headers, indexes, manifests, config. */
  readonly data: Uint8Array;
  /** Keyed-BLAKE3 key that turns plaintext into chunk ids; equal data in two repositories gets different ids. */
  readonly chunkId: Uint8Array;
  /** Seed of the content-defined chunker's gear table, so cut points do not reveal content either. */
  readonly chunker: Uint8Array;
}

export const MASTER_KEY_BYTES = 32;

export function newMasterKey(): Uint8Array {
  return new Uint8Array(randomBytes(MASTER_KEY_BYTES));
}

function derive(master: Uint8Array, label: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', master, new Uint8Array(0), `arca/v1/${label}`, 32));
}

export function deriveKeys(master: Uint8Array): RepositoryKeys {
  return { data: derive(master, 'data'), chunkId: derive(master, 'chunk-id'), chunker: derive(master, 'chunker') };
}

export const CHUNK_ID_BYTES = 32;

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * The id of a chunk: BLAKE3 of its plaintext in keyed mode under the repository's chunk-id key.
 * BLAKE3 is a PRF in keyed mode, like HMAC-SHA256, and hashes several times faster (SIMD), which
 * matters because incremental backups hash every byte of every changed disk.
 */
export function chunkId(key: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return new Uint8Array(Blake3Hasher.newKeyed(asBuffer(key)).update(asBuffer(plaintext)).digestBuffer());
}
