import { createHash } from 'node:crypto';
import { decodeTable, encodeTable, PACK_ENTRY_BYTES, type PackEntry } from '../pack/pack-format.ts';

/**
 * An index file lists packs and the blobs in each, so that opening a repository does not read the
 * packs. Body (sealed and stored under `index/<sha256 of body>`): version u8 ‖ pack count u32 ‖
 * per pack: pack id (32) ‖ its table, in the pack's own table encoding.
 * Backups write one small index file per pack as it lands (their checkpoints); prune merges them.
 */
export interface PackListing {
  readonly packId: Uint8Array;
  readonly entries: readonly PackEntry[];
}

export const INDEX_FILE_VERSION = 1;

export function encodeIndexFile(packs: readonly PackListing[]): Uint8Array {
  const tables = packs.map((p) => encodeTable(p.entries));
  const size = 5 + packs.reduce((sum, _p, i) => sum + 32 + (tables[i] as Uint8Array).length, 0);
  const out = new Uint8Array(size);
  out[0] = INDEX_FILE_VERSION;
  new DataView(out.buffer).setUint32(1, packs.length, true);
  let at = 5;
  packs.forEach((pack, i) => {
    out.set(pack.packId, at);
    out.set(tables[i] as Uint8Array, at + 32);
    at += 32 + (tables[i] as Uint8Array).length;
  });
  return out;
}

/** An object written by a newer format than this code reads. */
export class FormatVersionError extends Error {
  override name = 'FormatVersionError';
  readonly version: number;
  constructor(what: string, version: number) {
    super(`${what} format version ${version} is not supported`);
    this.version = version;
  }
}

export function decodeIndexFile(body: Uint8Array): PackListing[] {
  if (body[0] !== INDEX_FILE_VERSION) throw new FormatVersionError('index file', body[0] ?? 0);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const count = view.getUint32(1, true);
  const packs: PackListing[] = [];
  let at = 5;
  for (let i = 0; i < count; i++) {
    if (at + 36 > body.length) throw new Error('index file is truncated');
    const packId = body.slice(at, at + 32);
    const entryCount = view.getUint32(at + 32, true);
    const tableLength = 4 + entryCount * PACK_ENTRY_BYTES;
    packs.push({ packId, entries: decodeTable(body.subarray(at + 32, at + 32 + tableLength)) });
    at += 32 + tableLength;
  }
  if (at !== body.length) throw new Error('index file has trailing bytes');
  return packs;
}

export function indexFileName(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}
