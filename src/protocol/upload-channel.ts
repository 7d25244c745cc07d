import { refuseContent, WireObject } from './wire-object.ts';

/**
 * The upload channel (ADR 5): how a machine's snapshot extension writes its backup into the
 * vault's repository, with the machine's Agent token and for its own machine only, under the agent
 * protocol's api-version. The blob calls below `repository` follow storage/blob/http-blob-wire.ts
 * (put, get, stat, list, delete); the vault allows only what a backup needs (server/agents/upload-rules.ts).
 *
 *   GET  /arca/agent/machines/{machineId}/repository/keys     → RepositoryKeysResponse
 *   ...  /arca/agent/machines/{machineId}/repository/blobs/{key}, /stat/{key}, /list?prefix=
 *
 * Both work only while a snapshot task of the machine is pending or running.
 */
export const UPLOAD_PATHS = {
  repository: (machineId: string): string => `/arca/agent/machines/${encodeURIComponent(machineId)}/repository`,
  keys: (machineId: string): string => `/arca/agent/machines/${encodeURIComponent(machineId)}/repository/keys`,
} as const;

/**
 * The keys derived from the repository's master key (base64 of 32 bytes each): they seal and open
 * chunks and metadata, but cannot wrap a new key file; the passphrase and the master key never
 * leave the vault.
 */
export interface RepositoryKeysResponse {
  /** The repository's id (its config's `id`), to tell one vault's repository from another's. */
  readonly repositoryId: string;
  readonly keys: { readonly data: string; readonly chunkId: string; readonly chunker: string };
}

/**
 * The restore read routes: how a machine's snapshot extension reads a recovery point of its own
 * machine back from the vault's repository for a restore over its disks (OriginalLocation from the
 * vault tier), under the same api-version and Agent token. Each works only for a point whose
 * manifest names the machine (UserErrorRestorePointOfAnotherMachine) and while a restore task of
 * that point is pending or running on it (RestoreReadNoOpenTask). The keys come from `keys` above.
 *
 *   GET  …/restore-points/{pointId}                          → RestorePointLayout (JSON)
 *   GET  …/restore-points/{pointId}/disks/{d}/refs/{n}       → piece n of disk d's chunk list (32-byte ids, zeros = hole)
 *   GET  …/restore-points/{pointId}/disks/{d}/chunks/{i}     → chunk i of disk d, sealed as stored; headers RESTORE_CHUNK_HEADERS
 */
export const RESTORE_READ_PATHS = {
  point: (machineId: string, pointId: string): string => `${UPLOAD_PATHS.repository(machineId)}/restore-points/${encodeURIComponent(pointId)}`,
  refs: (machineId: string, pointId: string, disk: number, piece: number): string => `${RESTORE_READ_PATHS.point(machineId, pointId)}/disks/${disk}/refs/${piece}`,
  chunk: (machineId: string, pointId: string, disk: number, chunk: number): string => `${RESTORE_READ_PATHS.point(machineId, pointId)}/disks/${disk}/chunks/${chunk}`,
} as const;

/** How a sealed chunk's answer says what opens it: its id (hex), its flags and its length once opened. */
export const RESTORE_CHUNK_HEADERS = { id: 'x-arca-chunk-id', flags: 'x-arca-chunk-flags', rawLength: 'x-arca-chunk-raw-length' } as const;

/** What a restore needs of a point's disks: their sizes, chunk size and how many chunk-list pieces each has. */
export interface RestorePointLayout {
  readonly pointId: string;
  readonly disks: readonly { readonly name: string; readonly size: number; readonly chunkSize: number; readonly chunkCount: number; readonly refPieces: number }[];
}

export function parseRestorePointLayout(value: unknown): RestorePointLayout {
  const body = new WireObject(value, '');
  const whole = { min: 0, max: Number.MAX_SAFE_INTEGER };
  return {
    pointId: body.requiredString('pointId', { max: 100, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/, shape: 'a recovery point id' }),
    disks: body.objects('disks', 64).map((disk, d) => {
      const parsed = {
        name: disk.requiredString('name', { max: 80, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, shape: 'a disk name' }),
        size: disk.requiredInteger('size', whole),
        chunkSize: disk.requiredInteger('chunkSize', { min: 1, max: 1 << 30 }),
        chunkCount: disk.requiredInteger('chunkCount', whole),
        refPieces: disk.requiredInteger('refPieces', whole),
      };
      // Every byte of the disk falls in exactly one chunk: a count that disagrees would leave part of the disk unwritten or reach past it.
      if (parsed.chunkCount !== Math.ceil(parsed.size / parsed.chunkSize)) {
        refuseContent(`disks[${d}].chunkCount is ${parsed.chunkCount}, but a disk of ${parsed.size} bytes in chunks of ${parsed.chunkSize} has ${Math.ceil(parsed.size / parsed.chunkSize)}`);
      }
      return parsed;
    }),
  };
}

const KEY = { max: 44, pattern: /^[A-Za-z0-9+/]{43}=$/, shape: 'base64 of 32 bytes' };

export function parseRepositoryKeysResponse(value: unknown): RepositoryKeysResponse {
  const body = new WireObject(value, '');
  const keys = body.requiredObject('keys');
  return {
    repositoryId: body.requiredString('repositoryId', { max: 64, pattern: /^[0-9a-f]{32}$/, shape: '32 hex digits' }),
    keys: { data: keys.requiredString('data', KEY), chunkId: keys.requiredString('chunkId', KEY), chunker: keys.requiredString('chunker', KEY) },
  };
}
