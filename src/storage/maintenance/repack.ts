import { ChunkIndex } from '../index/chunk-index.ts';
import type { PackEntry } from '../pack/pack-format.ts';
import { PackUploader } from '../pack/pack-uploader.ts';
import { hex, packKey } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';

/**
 * Repacking: the chunks still needed in a pack that is mostly waste are copied into new packs, so
 * that the old pack can go through prune's two phases like an unused one. A chunk is sealed with
 * its own id as associated data (not its pack or offset), so its sealed bytes are copied as they
 * are: nothing is decrypted for keeps, only authenticated first, so that a damaged chunk is never
 * copied over a pack verify could still report. The copies are indexed (pack, then its index
 * file) before the caller marks the old pack: at every moment each needed chunk has a live copy.
 */

/** One indexed pack that prune may rewrite, with the entries some recovery point needs. */
export interface PackUse {
  readonly packId: string;
  readonly size: number;
  readonly entries: readonly PackEntry[];
  readonly needed: readonly PackEntry[];
}

export interface RepackPolicy {
  /** Rewrite a pack once this share of its bytes (0 to 1) is chunks no point needs. */
  readonly unusedShare: number;
  /** Also combine packs smaller than half the target size, when there are at least two. */
  readonly small: boolean;
  readonly packTargetSize: number;
}

const unusedBytes = (use: PackUse): number => use.entries.reduce((sum, e) => sum + e.length, 0) - use.needed.reduce((sum, e) => sum + e.length, 0);

/** The partly used packs worth rewriting under the policy; a pack that is all waste is not one of them. */
export function chooseRepack(uses: readonly PackUse[], policy: RepackPolicy): PackUse[] {
  const chosen = uses.filter((u) => u.needed.length > 0 && u.needed.length < u.entries.length && unusedBytes(u) > 0 && unusedBytes(u) >= policy.unusedShare * u.size);
  if (policy.small) {
    const taken = new Set(chosen.map((u) => u.packId));
    const small = uses.filter((u) => !taken.has(u.packId) && u.needed.length > 0 && u.size < policy.packTargetSize / 2);
    // One small pack alone would only be copied into another small pack.
    if (small.length + chosen.length >= 2) chosen.push(...small);
  }
  return chosen;
}

export interface RepackResult {
  /** Old packs whose needed chunks now also live in new packs: to be marked. */
  readonly packs: readonly string[];
  /** Old packs left whole because a chunk in them failed authentication (verify reports them). */
  readonly damaged: readonly string[];
  readonly packsWritten: number;
  readonly bytesWritten: number;
}

export interface RepackContext {
  readonly repo: Repository;
  readonly pool: ChunkWorkerPool;
  /** The repository's index: a needed chunk already held by a pack that stays is not copied. */
  readonly index: ChunkIndex;
  /** Packs on their way out (being repacked, unused, or marked by an earlier prune). */
  readonly leaving: ReadonlySet<string>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

/**
 * Copies the needed chunks of `uses` into new packs, one old pack read at a time, and indexes them.
 * A failure leaves only complete new packs with their index files (duplicates, which a later prune
 * tidies), or packs without an index file (removed after the grace period): never a lost chunk.
 */
export async function repackPacks(ctx: RepackContext, uses: readonly PackUse[]): Promise<RepackResult> {
  const { repo, signal } = ctx;
  // Its own empty index: it dedups only among the copies, never against the packs being left.
  const uploader = new PackUploader(repo, new ChunkIndex(), signal ? { signal } : {});
  const packs: string[] = [];
  const damaged: string[] = [];
  const total = uses.reduce((sum, u) => sum + u.size, 0);
  let done = 0;
  try {
    for (const use of uses) {
      signal?.throwIfAborted();
      const copies = use.needed.filter((e) => !ctx.index.heldOutside(hex(e.id), ctx.leaving));
      const bytes = copies.length > 0 ? await repo.store.get(packKey(use.packId), { signal }) : new Uint8Array();
      const authentic = await Promise.all(copies.map((e) => ctx.pool.open(e.id, bytes.subarray(e.offset, e.offset + e.length), e.flags, e.rawLength, true).then(() => true, () => false)));
      if (authentic.includes(false)) {
        damaged.push(use.packId);
      } else {
        for (const e of copies) await uploader.add(e.id, { sealed: bytes.slice(e.offset, e.offset + e.length), rawLength: e.rawLength, flags: e.flags });
        packs.push(use.packId);
      }
      done += use.size;
      ctx.onProgress?.(done, total);
    }
    await uploader.flush();
  } catch (error) {
    await uploader.discard();
    throw error;
  }
  return { packs, damaged, packsWritten: uploader.packsStored, bytesWritten: uploader.bytesStored };
}
