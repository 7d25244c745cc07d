import type { ChunkIndex } from '../index/chunk-index.ts';
import { readChunk } from '../points/chunk-reader.ts';
import { listPointIds, loadPoint } from '../points/point-store.ts';
import { idsOfPiece, isHole } from '../points/ref-list.ts';
import { hex } from '../repository/layout.ts';
import type { Repository } from '../repository/repository.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';

export interface LiveSet {
  /** Every chunk some recovery point needs (data and ref-list pieces), hex id → the points needing it. */
  readonly chunks: Map<string, string[]>;
  readonly points: readonly string[];
  /** Problems met on the way: unreadable manifests or pieces, with the points they break. */
  readonly problems: { code: 'RepositoryMetadataCorrupt' | 'RepositoryChunkMissing' | 'RepositoryDataCorrupt'; key: string; detail: string; points: string[] }[];
}

function need(chunks: Map<string, string[]>, id: string, point: string): void {
  const points = chunks.get(id);
  if (!points) chunks.set(id, [point]);
  else if (points[points.length - 1] !== point) points.push(point);
}

/**
 * Walks every recovery point and collects the chunks it needs. A point whose manifest or pieces
 * cannot be read is reported, and what could be read of it still counts as needed, so that prune
 * never deletes data because of a read error.
 */
export async function liveChunks(repo: Repository, index: ChunkIndex, pool: ChunkWorkerPool, signal?: AbortSignal): Promise<LiveSet> {
  const chunks = new Map<string, string[]>();
  const problems: LiveSet['problems'] = [];
  const points = await listPointIds(repo, signal);
  for (const point of points) {
    let manifest;
    try {
      manifest = await loadPoint(repo, point, signal);
    } catch (error) {
      problems.push({ code: 'RepositoryMetadataCorrupt', key: `points/${point}`, detail: (error as Error).message, points: [point] });
      continue;
    }
    for (const disk of manifest.disks) {
      for (const pieceId of disk.refPieces) {
        need(chunks, pieceId, point);
        if (!index.has(pieceId)) {
          problems.push({ code: 'RepositoryChunkMissing', key: pieceId, detail: `chunk list of disk ${disk.name}`, points: [point] });
          continue;
        }
        try {
          const piece = await readChunk(repo, index, pool, pieceId, signal);
          for (const id of idsOfPiece(piece)) if (!isHole(id)) need(chunks, hex(id), point);
        } catch (error) {
          problems.push({ code: 'RepositoryDataCorrupt', key: pieceId, detail: (error as Error).message, points: [point] });
        }
      }
    }
  }
  return { chunks, points, problems };
}
