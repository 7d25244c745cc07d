/**
 * A recovery point: what was backed up and when, and for each disk the chunks that rebuild it.
 * A disk's chunk list can be long (8 million ids for 32 TiB), so it is not kept in the manifest:
 * it is cut into ref-list pieces, each stored as an ordinary chunk (deduplicated and encrypted like
 * data), and the manifest names the pieces. Stored sealed under `points/<id>`.
 */
export const MANIFEST_VERSION = 1;

export interface DiskSource {
  /** Block devices keep their mtime when written, so only files can be skipped as unchanged. */
  readonly kind: 'file' | 'block';
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  readonly dev: number;
  /** Unlike mtime, nobody can set it back: change tracking trusts an earlier snapshot only if it is unchanged. */
  readonly ctimeMs?: number;
}

/** How a backup got a disk's chunk list: what it read, and what it took unread from an earlier point. */
export interface DiskReading {
  readonly bytesRead: number;
  readonly bytesSkipped: number;
  /** The point whose chunk ids were reused for the ranges change tracking found unchanged. */
  readonly previousPoint?: string;
  /** Why change tracking was not used and the whole disk was read (when it was asked for). */
  readonly fullReadReason?: string;
}

export interface DiskManifest {
  readonly name: string;
  readonly size: number;
  readonly chunkSize: number;
  readonly chunkCount: number;
  /** Chunks that were all zeros: not stored, restored as holes. */
  readonly zeroChunks: number;
  /** Ids (hex) of the ref-list pieces, in order. */
  readonly refPieces: readonly string[];
  /** The image file as it was, so an unchanged file can be skipped next time without reading it. */
  readonly source?: DiskSource;
  readonly reading?: DiskReading;
}

export interface BackupStats {
  readonly bytesRead: number;
  readonly bytesNew: number;
  readonly bytesStored: number;
  readonly seconds: number;
}

export interface RecoveryPointManifest {
  readonly version: number;
  readonly id: string;
  readonly time: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly disks: readonly DiskManifest[];
  readonly stats: BackupStats;
}

export function isManifest(value: unknown): value is RecoveryPointManifest {
  const m = value as RecoveryPointManifest;
  return typeof m === 'object' && m !== null && m.version === MANIFEST_VERSION && typeof m.id === 'string' && Array.isArray(m.disks);
}
