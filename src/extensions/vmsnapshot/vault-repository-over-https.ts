import { request, type Agent } from 'node:https';
import { ArcaError } from '../../core/errors/index.ts';
import { AGENT_API_VERSION } from '../../protocol/index.ts';
import { parseRepositoryKeysResponse, UPLOAD_PATHS } from '../../protocol/upload-channel.ts';
import { tunnelAgent, type HttpProxy } from '../../platform/https-proxy.ts';
import { systemClock } from '../../platform/system-clock.ts';
import { HttpBlobStore } from '../../storage/blob/http-blob-store.ts';
import { answerError, readAnswer, transportError } from '../../storage/blob/http-exchange.ts';
import { RetryingBlobStore, type RetryOptions } from '../../storage/blob/retrying-blob-store.ts';
import { Repository } from '../../storage/repository/repository.ts';

export interface VaultChannelOptions {
  /** The vault's URL, `https://host:port`. */
  readonly url: string;
  /** The vault's CA certificate (PEM), pinned: no other CA is trusted. */
  readonly ca: string | Buffer;
  /** The machine's Agent token. */
  readonly token: string;
  readonly machineId: string;
  /** The machine's HTTP proxy (the agent's HttpProxy.*): when set, every connection to the vault is tunnelled through it. */
  readonly proxy?: HttpProxy;
  readonly retry?: RetryOptions;
}

export interface VaultChannel {
  readonly repo: Repository;
  /** Drops the kept-alive connections to the vault. */
  close(): void;
}

/**
 * Opens the vault's repository through the upload channel (ADR 5): the derived keys are fetched
 * for this backup (refused unless a snapshot task of the machine is open) and kept in memory only;
 * every object goes over HTTPS (tunnelled through the machine's proxy when it has one) with the Agent token, retried on transient failures. Open it when
 * the transfer starts and close it when it ends; a later backup opens it again.
 */
export async function openVaultChannel(options: VaultChannelOptions): Promise<VaultChannel> {
  const base = options.url.replace(/\/+$/, '');
  const keysAgent = tunnelAgent({ ca: options.ca, keepAlive: false, ...(options.proxy ? { proxy: options.proxy } : {}) });
  const keys = parseRepositoryKeysResponse(await getJson(`${base}${UPLOAD_PATHS.keys(options.machineId)}?api-version=${AGENT_API_VERSION}`, options, keysAgent).finally(() => keysAgent.destroy()));
  const http = new HttpBlobStore({ url: `${base}${UPLOAD_PATHS.repository(options.machineId)}`, ca: options.ca, token: options.token, query: { 'api-version': AGENT_API_VERSION }, ...(options.proxy ? { proxy: options.proxy } : {}) });
  const store = new RetryingBlobStore(http, options.retry);
  try {
    const repo = await Repository.fromKeys(store, { keys: { data: bytes(keys.keys.data), chunkId: bytes(keys.keys.chunkId), chunker: bytes(keys.keys.chunker) }, clock: systemClock });
    if (repo.config.id !== keys.repositoryId) {
      throw new ArcaError('UploadChannelUnexpectedResponse', { operation: 'read', key: 'config', status: 200, reason: `the keys are for repository ${keys.repositoryId}, the config is of ${repo.config.id}` });
    }
    return { repo, close: () => http.close() };
  } catch (error) {
    http.close();
    throw error;
  }
}

/** The brief's name for the same thing: the Repository alone, for an Uploader that never closes it. */
export async function openVaultRepositoryOverHttps(options: VaultChannelOptions): Promise<Repository> {
  return (await openVaultChannel(options)).repo;
}

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

function getJson(url: string, options: VaultChannelOptions, agent: Agent): Promise<unknown> {
  const call = { operation: 'get' as const, key: 'keys' };
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent, headers: { authorization: `Bearer ${options.token}` }, timeout: 60_000 });
    req.on('timeout', () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', (error) => reject(transportError(call, error)));
    req.on('response', (response) =>
      readAnswer(response).then((answer) => {
        if (answer.status !== 200) return reject(answerError(call, answer));
        try {
          resolve(JSON.parse(answer.body.toString('utf8')));
        } catch (error) {
          reject(new ArcaError('UploadChannelUnexpectedResponse', { operation: 'read', key: 'keys', status: 200, reason: (error as Error).message }));
        }
      }, (error: unknown) => reject(transportError(call, error))),
    );
    req.end();
  });
}
