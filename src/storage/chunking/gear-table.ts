import { hkdfSync } from 'node:crypto';
import { invalidArgument } from '../../core/errors/index.ts';

export const CHUNKER_KEY_BYTES = 32;

const INFO = 'arca/v1/fastcdc-gear-table';

/**
 * The 256 Gear values of one repository: 1 KiB of HKDF-SHA256 output under the chunker key, read as
 * little-endian 32-bit words. A secret table makes cut points depend on the key as well as on the
 * content, so chunk lengths do not tell an observer which known file a repository holds, and the
 * same file is cut differently in two repositories. The same key gives the same table everywhere.
 */
export function gearTable(key: Uint8Array): Uint32Array {
  if (!(key instanceof Uint8Array) || key.length !== CHUNKER_KEY_BYTES) {
    throw invalidArgument('key', `the chunker key must be ${CHUNKER_KEY_BYTES} bytes`);
  }
  const words = new DataView(hkdfSync('sha256', key, new Uint8Array(0), INFO, 256 * 4));
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) table[i] = words.getUint32(i * 4, true);
  return table;
}
