import { WireObject } from './wire-object.ts';

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

const KEY = { max: 44, pattern: /^[A-Za-z0-9+/]{43}=$/, shape: 'base64 of 32 bytes' };

export function parseRepositoryKeysResponse(value: unknown): RepositoryKeysResponse {
  const body = new WireObject(value, '');
  const keys = body.requiredObject('keys');
  return {
    repositoryId: body.requiredString('repositoryId', { max: 64, pattern: /^[0-9a-f]{32}$/, shape: '32 hex digits' }),
    keys: { data: keys.requiredString('data', KEY), chunkId: keys.requiredString('chunkId', KEY), chunker: keys.requiredString('chunker', KEY) },
  };
}
