import { ArcaError, invalidArgument, isArcaError } from '../../core/errors/index.ts';
import type { HttpProxy } from '../../platform/https-proxy.ts';
import { sleep } from '../../storage/blob/abort.ts';
import { ChunkWorkerPool } from '../../storage/workers/worker-pool.ts';
import type { JsonObject } from '../host/settings-files.ts';
import { localRepositoryChannel } from './local-repository-channel.ts';
import { LocalRepositoryUploader, type UploadInput, type UploadResult, type Uploader } from './uploader.ts';
import { openVaultChannel, type VaultChannel, type VaultChannelOptions } from './vault-repository-over-https.ts';

/** What the agent puts in the extension's protected settings (mode 0600) for the upload channel. */
export interface VaultSettings {
  readonly url: string;
  readonly machineId: string;
  readonly token: string;
  /** The vault's CA (PEM), pinned at registration. */
  readonly ca: string;
  /** The agent's HttpProxy.Host / HttpProxy.Port, when the machine reaches the vault through a proxy. */
  readonly proxy?: HttpProxy;
}

function parseProxy(value: unknown): HttpProxy {
  const proxy = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const { host, port } = proxy;
  if (typeof host !== 'string' || host === '' || host.length > 253 || /[\s/@]/.test(host) || typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalidArgument('protectedSettings.vault.proxy', 'it must give the proxy’s host name or address and a port from 1 to 65535');
  }
  return { host, port };
}

/** The channel's options from the settings: the same vault, token, CA and proxy for uploads and restore reads. */
export function vaultChannelOptions(vault: VaultSettings): VaultChannelOptions {
  return { url: vault.url, ca: vault.ca, token: vault.token, machineId: vault.machineId, ...(vault.proxy ? { proxy: vault.proxy } : {}) };
}

export function parseVaultSettings(value: unknown): VaultSettings {
  const body = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  for (const key of ['url', 'machineId', 'token', 'ca']) {
    if (typeof body[key] !== 'string' || body[key] === '') throw invalidArgument(`protectedSettings.vault.${key}`, 'the agent must give the vault’s url, machineId, token and CA');
  }
  const { url, machineId, token, ca } = body as unknown as VaultSettings;
  return { url, machineId, token, ca, ...(body['proxy'] === undefined ? {} : { proxy: parseProxy(body['proxy']) }) };
}

/**
 * The Uploader over the upload channel (ADR 5): the channel is opened when the transfer starts
 * (the vault hands out the derived keys only while the task is open) and closed when it ends. The
 * vault closing the channel mid-transfer (UploadChannelNoOpenTask) means the task was called off:
 * cancelled or timed out, so it ends as OperationCancelled rather than as a failure of its own.
 *
 * A connection cut mid-transfer fails the pack being streamed (its bytes are not kept, so the
 * store cannot send it again). Once the channel had opened, such a failure (RepositoryStoreUnavailable)
 * resumes the transfer on a new channel, up to `attempts` in all: packs already committed are in
 * the vault's index, so only the rest is sent again. A vault never reached fails at once, after
 * the store's own retries.
 */
export class VaultChannelUploader implements Uploader {
  readonly #options: VaultChannelOptions;
  readonly #workers: number;
  readonly #attempts: number;
  readonly #resumeDelayMs: number;

  constructor(options: VaultChannelOptions, workers = 2, resume: { readonly attempts?: number; readonly delayMs?: number } = {}) {
    this.#options = options;
    this.#workers = workers;
    this.#attempts = resume.attempts ?? 3;
    this.#resumeDelayMs = resume.delayMs ?? 1000;
  }

  async upload(input: UploadInput): Promise<UploadResult> {
    for (let attempt = 1; ; attempt += 1) {
      const opened = { value: false };
      try {
        return await this.#uploadOnce(input, opened);
      } catch (error) {
        const cut = opened.value && isArcaError(error) && error.code === 'RepositoryStoreUnavailable';
        if (!cut || attempt >= this.#attempts || input.signal?.aborted) throw error;
        await sleep(this.#resumeDelayMs * attempt, input.signal).catch(() => Promise.reject(error));
      }
    }
  }

  async #uploadOnce(input: UploadInput, opened: { value: boolean }): Promise<UploadResult> {
    let channel: VaultChannel | undefined;
    let pool: ChunkWorkerPool | undefined;
    try {
      channel = await openVaultChannel(this.#options);
      opened.value = true;
      pool = new ChunkWorkerPool(channel.repo.keys, channel.repo.config.zstdLevel, this.#workers);
      return await new LocalRepositoryUploader(channel.repo, pool).upload(input);
    } catch (error) {
      if (isArcaError(error) && error.code === 'UploadChannelNoOpenTask') {
        throw new ArcaError('OperationCancelled', { reason: 'the vault closed the upload channel: the task was called off' }, { cause: error });
      }
      throw error;
    } finally {
      await pool?.close();
      channel?.close();
    }
  }
}

/**
 * `EnableDeps.uploaderFor` of the shipped extension: the upload channel to the vault when the
 * protected settings carry `vault` (what the agent gives); a repository folder on this machine
 * when they carry `localRepository` (tests that run the extension without a vault); otherwise
 * none, and a task stops at phase `transfer` with its snapshots taken.
 */
export async function uploaderFromSettings(protectedSettings: JsonObject): Promise<{ readonly uploader: Uploader; readonly endpoint?: string; close(): Promise<void> } | undefined> {
  if (protectedSettings['vault'] !== undefined) {
    const vault = parseVaultSettings(protectedSettings['vault']);
    return { uploader: new VaultChannelUploader(vaultChannelOptions(vault)), endpoint: vault.url, close: async () => {} };
  }
  return localRepositoryChannel(protectedSettings);
}
