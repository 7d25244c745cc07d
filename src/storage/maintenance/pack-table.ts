import { open as openSealed, roleAad } from '../crypto/aead.ts';
import { decodeTable, decodeTrailer, PACK_TRAILER_BYTES, type PackEntry } from '../pack/pack-format.ts';
import { packKey } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';

/** Authenticates and decodes a pack's sealed table; it is bound to its pack id. */
export function openPackTable(repo: Repository, packId: string, sealed: Uint8Array): PackEntry[] {
  return decodeTable(openSealed(repo.keys.data, sealed, roleAad('pack-table', packId)));
}

/** A pack's own table, from its trailer: two ranged reads, no chunk data. */
export async function readPackTable(repo: Repository, packId: string, size: number, signal?: AbortSignal): Promise<PackEntry[]> {
  const trailer = await repo.store.get(packKey(packId), { range: { offset: size - PACK_TRAILER_BYTES, length: PACK_TRAILER_BYTES }, signal });
  const tableLength = decodeTrailer(trailer);
  const sealed = await repo.store.get(packKey(packId), { range: { offset: size - PACK_TRAILER_BYTES - tableLength, length: tableLength }, signal });
  return openPackTable(repo, packId, sealed);
}
