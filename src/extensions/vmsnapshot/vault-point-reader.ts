import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { AGENT_API_VERSION } from '../../protocol/index.ts';
import { parseRepositoryKeysResponse, parseRestorePointLayout, RESTORE_CHUNK_HEADERS, RESTORE_READ_PATHS, UPLOAD_PATHS, type RestorePointLayout } from '../../protocol/upload-channel.ts';
import { tunnelAgent } from '../../platform/https-proxy.ts';
import { answerError, exchange, type Answer } from '../../storage/blob/http-exchange.ts';
import { chunkId, type RepositoryKeys } from '../../storage/crypto/keys.ts';
import { hex } from '../../storage/repository/layout.ts';
import { openChunk } from '../../storage/workers/chunk-work.ts';
import type { VaultChannelOptions } from './vault-repository-over-https.ts';

/** What a vault-tier restore reads of its recovery point (restore-read-routes.ts on the vault). */
export interface PointReader {
  readonly layout: RestorePointLayout;
  /** The repository's keyed chunk id of `data`: equal ids mean equal content. */
  idOf(data: Uint8Array): Uint8Array;
  /** Piece `n` of disk `disk`'s chunk list: consecutive 32-byte ids, all-zero for a hole. */
  refPiece(disk: number, n: number): Promise<Uint8Array>;
  /** Chunk `i` of disk `disk`, opened and checked against the id the chunk list gives it. */
  chunk(disk: number, i: number, id: Uint8Array): Promise<Uint8Array>;
  close(): void;
}

const TIMEOUT_MS = 120_000;

export interface ReadRetry {
  /** Tries in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1), as Math.random gives. */
  readonly random?: () => number;
}

const READ_RETRY: ReadRetry = { attempts: 5, baseDelayMs: 500, maxDelayMs: 15_000 };

/**
 * Runs `call` again when it fails with an error the catalog marks retryable (the vault restarting,
 * a dropped connection, a 5xx), waiting a random time up to an exponentially growing, capped
 * ceiling between tries; anything else, and the last try's error, is thrown as it was.
 */
export async function withReadRetries<T>(call: () => Promise<T>, retry: ReadRetry = READ_RETRY): Promise<T> {
  const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = retry.random ?? Math.random;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isArcaError(error) || !error.retryable || attempt >= retry.attempts) throw error;
      await sleep(Math.floor(random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1))));
    }
  }
}

/**
 * Opens the reading of repository point `pointId` over HTTPS (through the machine's proxy when it has one)
 * with the machine's Agent token and the vault's pinned CA: the derived keys (to hash the disk's own chunks and open the vault's), then the
 * point's layout. The vault answers only for a point of this machine while its restore task is open.
 */
export async function openVaultPointReader(options: VaultChannelOptions, pointId: string, retry: ReadRetry = READ_RETRY): Promise<PointReader> {
  const base = options.url.replace(/\/+$/, '');
  const agent = tunnelAgent({ ca: options.ca, maxSockets: 4, ...(options.proxy ? { proxy: options.proxy } : {}) });
  const get = (path: string, key: string): Promise<Answer> =>
    withReadRetries(async () => {
      const url = new URL(`${base}${path}`);
      url.searchParams.set('api-version', AGENT_API_VERSION);
      const answer = await exchange(agent, TIMEOUT_MS, { operation: 'get', key, method: 'GET', url, headers: { authorization: `Bearer ${options.token}` } });
      if (answer.status !== 200) throw answerError({ operation: 'get', key }, answer);
      return answer;
    }, retry);
  try {
    const keysBody = parseRepositoryKeysResponse(json(await get(UPLOAD_PATHS.keys(options.machineId), 'keys'), 'keys'));
    const keys: RepositoryKeys = { data: bytes(keysBody.keys.data), chunkId: bytes(keysBody.keys.chunkId), chunker: bytes(keysBody.keys.chunker) };
    const pointKey = `restore-points/${pointId}`;
    const layout = parseRestorePointLayout(json(await get(RESTORE_READ_PATHS.point(options.machineId, pointId), pointKey), pointKey));
    return {
      layout,
      idOf: (data) => chunkId(keys.chunkId, data),
      refPiece: async (disk, n) => new Uint8Array((await get(RESTORE_READ_PATHS.refs(options.machineId, pointId, disk, n), `${pointKey}/disks/${disk}/refs/${n}`)).body),
      chunk: async (disk, i, id) => {
        const key = `${pointKey}/disks/${disk}/chunks/${i}`;
        const answer = await get(RESTORE_READ_PATHS.chunk(options.machineId, pointId, disk, i), key);
        const flags = Number(answer.headers[RESTORE_CHUNK_HEADERS.flags]);
        const rawLength = Number(answer.headers[RESTORE_CHUNK_HEADERS.rawLength]);
        if (answer.headers[RESTORE_CHUNK_HEADERS.id] !== hex(id) || !Number.isSafeInteger(flags) || !Number.isSafeInteger(rawLength)) {
          throw new ArcaError('UploadChannelUnexpectedResponse', { operation: 'read', key, status: answer.status, reason: 'the chunk is not the one the chunk list names, or its headers are missing' });
        }
        try {
          // The vault could be wrong or lying: the chunk must open with our keys and hash to its id.
          return openChunk(keys, id, new Uint8Array(answer.body), flags, rawLength, true);
        } catch (error) {
          throw new ArcaError('RepositoryDataCorrupt', { pack: 'restore read', detail: `chunk ${i} of disk ${disk}: ${(error as Error).message}`, points: pointId }, { cause: error });
        }
      },
      close: () => agent.destroy(),
    };
  } catch (error) {
    agent.destroy();
    throw error;
  }
}

function json(answer: Answer, key: string): unknown {
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch (error) {
    throw new ArcaError('UploadChannelUnexpectedResponse', { operation: 'read', key, status: answer.status, reason: (error as Error).message });
  }
}

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));
