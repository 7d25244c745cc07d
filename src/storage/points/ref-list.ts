import { CHUNK_ID_BYTES } from '../crypto/keys.ts';

/**
 * A disk's chunk list, as consecutive 32-byte ids; the all-zero id marks a hole. Pieces hold at most
 * REFS_PER_PIECE ids (4 MiB), so building and reading a list needs one piece in memory at a time.
 */
export const REFS_PER_PIECE = 131072;
export const HOLE = new Uint8Array(CHUNK_ID_BYTES);

export function isHole(id: Uint8Array): boolean {
  for (let i = 0; i < id.length; i++) if (id[i] !== 0) return false;
  return true;
}

/** Collects ids in order and hands back each full piece to be stored. */
export class RefListBuilder {
  #piece = new Uint8Array(REFS_PER_PIECE * CHUNK_ID_BYTES);
  #count = 0;

  /** Appends one id; returns a full piece when this id completed one. */
  push(id: Uint8Array): Uint8Array | undefined {
    this.#piece.set(id, this.#count * CHUNK_ID_BYTES);
    this.#count++;
    if (this.#count < REFS_PER_PIECE) return undefined;
    return this.finish();
  }

  /** The partial last piece, or undefined when nothing is left. */
  finish(): Uint8Array | undefined {
    if (this.#count === 0) return undefined;
    const piece = this.#piece.slice(0, this.#count * CHUNK_ID_BYTES);
    this.#count = 0;
    return piece;
  }
}

export function* idsOfPiece(piece: Uint8Array): Generator<Uint8Array> {
  if (piece.length % CHUNK_ID_BYTES !== 0) throw new Error(`ref-list piece of ${piece.length} bytes is not a whole number of ids`);
  for (let at = 0; at < piece.length; at += CHUNK_ID_BYTES) yield piece.subarray(at, at + CHUNK_ID_BYTES);
}
