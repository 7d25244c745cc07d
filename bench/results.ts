import type { Composition } from './image.ts';
import type { Machine } from './machine.ts';
import type { ToolName } from './tools/index.ts';

export const PHASES = ['initial', 'incremental', 'restore'] as const;
export type Phase = (typeof PHASES)[number];

export interface PhaseResult {
  seconds: number;
  /** Image bytes / 10^6 / wall seconds: every tool reads or writes the whole image in every phase. */
  mbps: number;
  peakRssMiB: number | null;
  cpuSeconds: number | null;
  /** What the tool reported about itself (Arca's backup JSON), when it reports anything. */
  tool?: Record<string, unknown>;
}

export interface ToolResult {
  version: string;
  settings: string;
  initial: PhaseResult;
  incremental: PhaseResult;
  restore: PhaseResult;
  /** Apparent size of the repository folder after both backups. */
  storedBytes: number;
  storedBytesAfterInitial: number;
  /** Blocks the repository occupies on disk after both backups. */
  allocatedBytes: number;
  /** Bytes backed up (the image twice) / stored bytes: zero elision, dedup and compression together. */
  reduction: number;
  /** Size of the tool's local cache after both backups, outside the repository (restic, borg). */
  cacheBytes: number;
  restoreSha256: string;
}

export interface ImageInfo {
  seed: string;
  composition: Composition;
  generationSeconds: number;
  mutation: { extents: number; bytes: number; composition: Composition; seconds: number };
  /** SHA-256 of the image after the rewrite: what every restore must give back. */
  sha256: string;
}

/**
 * Arca's unchanged-data path: a backup of the image read and hashed again with nothing new in it,
 * beside one `sha256sum` over the same file, both with the image in the page cache.
 */
export interface UnchangedDataResult {
  arca: PhaseResult;
  sha256sum: PhaseResult;
  /** sha256sum's wall seconds / Arca's (> 1 = Arca faster). */
  speed: number;
}

export interface BenchResults {
  sizeBytes: number;
  tools: Partial<Record<ToolName, ToolResult>>;
  unchangedData?: UnchangedDataResult;
  skipped: Partial<Record<ToolName, string>>;
  image: ImageInfo;
  machine: Machine;
  workDir: string;
  kept: boolean;
  pageCache: 'warm' | 'dropped before every measured run';
}
