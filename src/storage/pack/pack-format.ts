import { CHUNK_ID_BYTES } from '../crypto/keys.ts';

/**
 * Pack file layout (format version 1), all integers little-endian:
 *
 *   "ARCAPACK" (8) ‖ version u8 ‖ reserved (7)          header, 16 bytes
 *   sealed blob 0 ‖ sealed blob 1 ‖ …                    each AES-GCM sealed, AAD = its chunk id
 *   sealed table                                         AAD = "arca/v1/pack-table/<pack id in hex>"
 *   table length u32 ‖ "ARCATAIL" (8)                    trailer, 12 bytes
 *
 * The table lists every blob: id (32) ‖ offset u32 ‖ stored length u32 ‖ raw length u32 ‖ flags u8.
 * Reading the last 12 bytes, then the table, is enough to rebuild the index from the packs alone.
 */
export const PACK_MAGIC = 'ARCAPACK';
export const PACK_TAIL_MAGIC = 'ARCATAIL';
export const PACK_VERSION = 1;
export const PACK_HEADER_BYTES = 16;
export const PACK_TRAILER_BYTES = 12;
export const PACK_ENTRY_BYTES = CHUNK_ID_BYTES + 13;

export const BLOB_FLAGS = { compressed: 1 } as const;

export interface PackEntry {
  readonly id: Uint8Array;
  readonly offset: number;
  readonly length: number;
  readonly rawLength: number;
  readonly flags: number;
}

const ascii = (text: string) => new TextEncoder().encode(text);

export function packHeader(): Uint8Array {
  const header = new Uint8Array(PACK_HEADER_BYTES);
  header.set(ascii(PACK_MAGIC), 0);
  header[8] = PACK_VERSION;
  return header;
}

export function encodeTable(entries: readonly PackEntry[]): Uint8Array {
  const out = new Uint8Array(4 + entries.length * PACK_ENTRY_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, entries.length, true);
  entries.forEach((entry, i) => {
    const at = 4 + i * PACK_ENTRY_BYTES;
    out.set(entry.id, at);
    view.setUint32(at + 32, entry.offset, true);
    view.setUint32(at + 36, entry.length, true);
    view.setUint32(at + 40, entry.rawLength, true);
    out[at + 44] = entry.flags;
  });
  return out;
}

export class PackFormatError extends Error {
  override name = 'PackFormatError';
}

export function decodeTable(table: Uint8Array): PackEntry[] {
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
  if (table.length < 4) throw new PackFormatError('table too short');
  const count = view.getUint32(0, true);
  if (table.length !== 4 + count * PACK_ENTRY_BYTES) throw new PackFormatError(`table of ${table.length} bytes cannot hold ${count} entries`);
  const entries: PackEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = 4 + i * PACK_ENTRY_BYTES;
    entries.push({
      id: table.slice(at, at + 32),
      offset: view.getUint32(at + 32, true),
      length: view.getUint32(at + 36, true),
      rawLength: view.getUint32(at + 40, true),
      flags: table[at + 44] as number,
    });
  }
  return entries;
}

export function encodeTrailer(tableLength: number): Uint8Array {
  const trailer = new Uint8Array(PACK_TRAILER_BYTES);
  new DataView(trailer.buffer).setUint32(0, tableLength, true);
  trailer.set(ascii(PACK_TAIL_MAGIC), 4);
  return trailer;
}

/** The sealed table's length, from the last 12 bytes of a pack. */
export function decodeTrailer(trailer: Uint8Array): number {
  if (trailer.length !== PACK_TRAILER_BYTES || new TextDecoder().decode(trailer.subarray(4)) !== PACK_TAIL_MAGIC) {
    throw new PackFormatError('no pack trailer');
  }
  return new DataView(trailer.buffer, trailer.byteOffset, 4).getUint32(0, true);
}

export function checkPackHeader(header: Uint8Array): void {
  if (new TextDecoder().decode(header.subarray(0, 8)) !== PACK_MAGIC) throw new PackFormatError('no pack header');
  if (header[8] !== PACK_VERSION) throw new PackFormatError(`pack format version ${header[8]} is not supported by this Arca (it reads ${PACK_VERSION}); upgrade Arca`);
}
