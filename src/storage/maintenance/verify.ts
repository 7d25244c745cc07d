import { randomInt } from 'node:crypto';
import type { CatalogCode, ErrorParams } from '../../core/errors/index.ts';
import { AuthenticationError } from '../crypto/aead.ts';
import type { ChunkIndex } from '../index/chunk-index.ts';
import { loadIndex } from '../index/load-index.ts';
import { checkPackHeader, decodeTrailer, PACK_HEADER_BYTES, PACK_TRAILER_BYTES, type PackEntry } from '../pack/pack-format.ts';
import { hex, LAYOUT, nameOf, packKey } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';
import { liveChunks, type LiveSet } from './live-chunks.ts';
import { openPackTable } from './pack-table.ts';

export interface VerifyProblem {
  readonly code: CatalogCode;
  readonly params: ErrorParams;
  readonly pack?: string;
  readonly points: readonly string[];
}

export interface VerifyReport {
  readonly points: number;
  readonly packsTotal: number;
  readonly packsChecked: number;
  readonly chunksChecked: number;
  readonly bytesRead: number;
  /** Packs with no index entry: left by an interrupted backup; prune removes them. Not an error. */
  readonly unindexedPacks: readonly string[];
  readonly problems: readonly VerifyProblem[];
}

export interface VerifyOptions {
  /** Percentage of packs to read in full (default 100); the rest are checked against the index only. */
  readonly readDataSubset?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

const pointsText = (points: readonly string[]) => (points.length > 0 ? points.join(', ') : 'none');

function pointsOf(live: LiveSet, entries: readonly PackEntry[]): string[] {
  const out = new Set<string>();
  for (const entry of entries) for (const p of live.chunks.get(hex(entry.id)) ?? []) out.add(p);
  return [...out].toSorted();
}

function corrupt(pack: string, detail: string, points: readonly string[]): VerifyProblem {
  return { code: 'RepositoryDataCorrupt', params: { pack, detail, points: pointsText(points) }, pack, points };
}

/** Reads one whole pack and authenticates its table and every chunk in it, id included. */
async function checkPack(repo: Repository, pool: ChunkWorkerPool, live: LiveSet, index: ChunkIndex, packId: string, problems: VerifyProblem[]): Promise<{ bytes: number; chunks: number }> {
  const bytes = await repo.store.get(packKey(packId));
  const indexed = index.packEntries(packId) ?? [];
  let entries: PackEntry[];
  try {
    checkPackHeader(bytes.subarray(0, PACK_HEADER_BYTES));
    const tableLength = decodeTrailer(bytes.subarray(bytes.length - PACK_TRAILER_BYTES));
    const tableStart = bytes.length - PACK_TRAILER_BYTES - tableLength;
    if (tableStart < PACK_HEADER_BYTES) throw new Error('the table length points outside the pack');
    entries = openPackTable(repo, packId, bytes.subarray(tableStart, bytes.length - PACK_TRAILER_BYTES));
  } catch (error) {
    const detail = error instanceof AuthenticationError ? 'its table fails authentication' : (error as Error).message;
    problems.push(corrupt(packId, detail, pointsOf(live, indexed)));
    return { bytes: bytes.length, chunks: 0 };
  }
  const listed = new Set(indexed.map((e) => `${hex(e.id)}:${e.offset}:${e.length}`));
  if (indexed.length > 0 && (listed.size !== entries.length || entries.some((e) => !listed.has(`${hex(e.id)}:${e.offset}:${e.length}`)))) {
    problems.push({ code: 'RepositoryMetadataCorrupt', params: { key: packKey(packId), detail: 'the index does not match the pack table; run verify --rebuild-index' }, pack: packId, points: pointsOf(live, entries) });
  }
  await Promise.all(
    entries.map(async (entry) => {
      try {
        await pool.open(entry.id, bytes.subarray(entry.offset, entry.offset + entry.length), entry.flags, entry.rawLength, true);
      } catch (error) {
        problems.push(corrupt(packId, `chunk ${hex(entry.id)}: ${(error as Error).message}`, live.chunks.get(hex(entry.id)) ?? []));
      }
    }),
  );
  return { bytes: bytes.length, chunks: entries.length };
}

/**
 * Checks that every recovery point can be restored: manifests and chunk lists open, every chunk they
 * need is indexed in an existing pack, and (for the packs read) every stored chunk authenticates and
 * hashes back to its id. Every problem names the pack and the recovery points it breaks.
 */
export async function verifyRepository(repo: Repository, pool: ChunkWorkerPool, options: VerifyOptions = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const index = await loadIndex(repo, options.signal, (error) => problems.push({ code: error.code, params: error.params, points: [] }), 'any');
  const live = await liveChunks(repo, index, pool, options.signal);
  for (const p of live.problems) {
    problems.push(p.code === 'RepositoryDataCorrupt' ? corrupt(p.key, p.detail, p.points) : { code: p.code, params: p.code === 'RepositoryChunkMissing' ? { chunk: p.key, points: pointsText(p.points) } : { key: p.key, detail: p.detail }, points: p.points });
  }
  for (const [id, points] of live.chunks) {
    if (!index.has(id)) problems.push({ code: 'RepositoryChunkMissing', params: { chunk: id, points: pointsText(points) }, points });
  }
  const stored = new Set<string>();
  for await (const info of repo.store.list(LAYOUT.data, { signal: options.signal })) stored.add(nameOf(info.key));
  for (const packId of index.packIds()) {
    if (!stored.has(packId)) problems.push({ code: 'RepositoryBlobNotFound', params: { key: packKey(packId) }, pack: packId, points: pointsOf(live, index.packEntries(packId) ?? []) });
  }
  const unindexedPacks = [...stored].filter((p) => !index.hasPack(p));
  const present = [...stored];
  const share = Math.min(100, Math.max(0, options.readDataSubset ?? 100));
  const count = share >= 100 ? present.length : Math.ceil((present.length * share) / 100);
  for (let i = present.length - 1; i > 0 && count < present.length; i--) {
    const j = randomInt(i + 1);
    [present[i], present[j]] = [present[j] as string, present[i] as string];
  }
  let bytesRead = 0;
  let chunksChecked = 0;
  const selected = present.slice(0, count);
  for (const [n, packId] of selected.entries()) {
    options.signal?.throwIfAborted();
    const checked = await checkPack(repo, pool, live, index, packId, problems);
    bytesRead += checked.bytes;
    chunksChecked += checked.chunks;
    options.onProgress?.(n + 1, selected.length);
  }
  return { points: live.points.length, packsTotal: stored.size, packsChecked: selected.length, chunksChecked, bytesRead, unindexedPacks, problems };
}
