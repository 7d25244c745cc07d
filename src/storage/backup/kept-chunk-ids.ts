import { CHUNK_ID_BYTES, chunkId } from '../crypto/keys.ts';
import type { DiskManifest } from '../points/manifest.ts';
import { REFS_PER_PIECE } from '../points/ref-list.ts';
import { hex } from '../repository/layout.ts';

/**
 * Why `ids` (a disk's chunk ids in disk order, 32 bytes each, kept on the machine that wrote them)
 * are not the chunk list of `disk`, or undefined when they are. The ids are cut into ref-list pieces
 * exactly as RefListBuilder cut them when the point was written, and each piece's keyed id must be
 * the manifest's: the manifest alone vouches for them, so a machine need not read the packs that
 * hold the list (the upload channel does not serve them). One changed, missing, extra or moved id
 * changes a piece's id.
 */
export function keptIdsMismatch(chunkIdKey: Uint8Array, ids: Uint8Array, disk: DiskManifest): string | undefined {
  if (ids.length !== disk.chunkCount * CHUNK_ID_BYTES) {
    return `the kept chunk ids hold ${ids.length / CHUNK_ID_BYTES} ids, the point recorded ${disk.chunkCount} chunks`;
  }
  const pieceBytes = REFS_PER_PIECE * CHUNK_ID_BYTES;
  const pieces = Math.ceil(ids.length / pieceBytes);
  if (pieces !== disk.refPieces.length) return `the kept chunk ids make ${pieces} ref-list pieces, the point has ${disk.refPieces.length}`;
  for (let n = 0; n < pieces; n++) {
    const piece = ids.subarray(n * pieceBytes, Math.min(ids.length, (n + 1) * pieceBytes));
    if (hex(chunkId(chunkIdKey, piece)) !== disk.refPieces[n]) return `the kept chunk ids differ from the point's chunk list (ref-list piece ${n + 1} of ${pieces})`;
  }
  return undefined;
}

/** Kept ids one at a time, in disk order, as `diskChunkIds` streams them from the packs. */
export function* keptIds(ids: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < ids.length; at += CHUNK_ID_BYTES) yield ids.subarray(at, at + CHUNK_ID_BYTES);
}
