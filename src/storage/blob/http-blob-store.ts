import type { Agent } from 'node:https';
import { tunnelAgent, type HttpProxy } from '../../platform/https-proxy.ts';
import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { requireValidKey, requireValidPrefix, requireValidRange } from './argument-checks.ts';
import { listTarget, type BlobOperation } from './blob-operation.ts';
import type { BlobInfo, BlobStore, BlobWriter, CallOptions, GetOptions, PutOptions } from './blob-store.ts';
import { GuardedBlobWriter } from './guarded-blob-writer.ts';
import { BLOB_CONTENT_TYPE, HTTP_BLOB_PATHS, type WireBlobInfo, type WireBlobList } from './http-blob-wire.ts';
import { answerError, exchange, type Answer, type Exchange } from './http-exchange.ts';
import { HttpWriterSteps } from './http-blob-writer.ts';

export interface HttpBlobStoreOptions {
  /** The base URL of the store's routes (http-blob-wire.ts), e.g. `https://vault:8443/arca/agent/machines/m1/repository`. */
  readonly url: string;
  /** The only CA trusted for the server's certificate (pinned): the system's roots are not. */
  readonly ca: string | Buffer;
  /** Sent as `Authorization: Bearer <token>`; never part of `location` or of messages. */
  readonly token: string;
  /** Query parameters every request carries (the api-version). */
  readonly query?: Readonly<Record<string, string>>;
  /** The machine's HTTP proxy: when set, every connection is a CONNECT tunnel through it. */
  readonly proxy?: HttpProxy;
  /** How long a request may go without progress before it fails as unavailable (default 120 s). */
  readonly timeoutMs?: number;
}

/**
 * A BlobStore on the far side of HTTPS (the vault's upload channel): one request per call, a
 * streaming PUT per writer (http-blob-writer.ts). Connection failures and 5xx answers are
 * RepositoryStoreUnavailable, which RetryingBlobStore tries again; errors the server raised come
 * back as the same catalog codes. Keys are checked here too, so that a bad key never leaves the
 * machine. Call close() to drop the kept-alive connections.
 */
export class HttpBlobStore implements BlobStore {
  readonly location: string;
  readonly #base: string;
  readonly #agent: Agent;
  readonly #token: string;
  readonly #query: Readonly<Record<string, string>>;
  readonly #timeoutMs: number;

  constructor(options: HttpBlobStoreOptions) {
    this.#base = options.url.replace(/\/+$/, '');
    const url = new URL(this.#base);
    url.username = '';
    url.password = '';
    this.location = url.toString().replace(/\/+$/, '');
    this.#agent = tunnelAgent({ ca: options.ca, ...(options.proxy ? { proxy: options.proxy } : {}) });
    this.#token = options.token;
    this.#query = options.query ?? {};
    this.#timeoutMs = options.timeoutMs ?? 120_000;
  }

  async put(key: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    requireValidKey(key);
    const call = this.#call('put', key, 'PUT', HTTP_BLOB_PATHS.blob(key), {}, options, this.#writeHeaders(options));
    this.#expectOk(call, await exchange(this.#agent, this.#timeoutMs, call, data));
  }

  async get(key: string, options: GetOptions = {}): Promise<Uint8Array> {
    requireValidKey(key);
    requireValidRange(options.range);
    const range: Record<string, string> = options.range ? { offset: String(options.range.offset), length: String(options.range.length) } : {};
    const call = this.#call('get', key, 'GET', HTTP_BLOB_PATHS.blob(key), range, options);
    const answer = this.#expectOk(call, await exchange(this.#agent, this.#timeoutMs, call));
    return new Uint8Array(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength);
  }

  async stat(key: string, options: CallOptions = {}): Promise<BlobInfo | undefined> {
    requireValidKey(key);
    const call = this.#call('stat', key, 'GET', HTTP_BLOB_PATHS.stat(key), {}, options);
    try {
      return infoOf(JSON.parse(this.#expectOk(call, await exchange(this.#agent, this.#timeoutMs, call)).body.toString('utf8')) as WireBlobInfo);
    } catch (error) {
      if (isArcaError(error) && error.code === 'RepositoryBlobNotFound') return undefined;
      throw error;
    }
  }

  async *list(prefix: string, options: CallOptions = {}): AsyncGenerator<BlobInfo> {
    requireValidPrefix(prefix);
    const call = this.#call('list', listTarget(prefix), 'GET', HTTP_BLOB_PATHS.list, { prefix }, options);
    const answer = this.#expectOk(call, await exchange(this.#agent, this.#timeoutMs, call));
    const listing = JSON.parse(answer.body.toString('utf8')) as WireBlobList;
    for (const item of listing.items) {
      options.signal?.throwIfAborted();
      yield infoOf(item);
    }
  }

  async delete(key: string, options: CallOptions = {}): Promise<void> {
    requireValidKey(key);
    const call = this.#call('delete', key, 'DELETE', HTTP_BLOB_PATHS.blob(key), {}, options);
    this.#expectOk(call, await exchange(this.#agent, this.#timeoutMs, call));
  }

  async create(key: string, options: PutOptions = {}): Promise<BlobWriter> {
    requireValidKey(key);
    options.signal?.throwIfAborted();
    const call = this.#call('create', key, 'PUT', HTTP_BLOB_PATHS.blob(key), {}, {}, this.#writeHeaders(options));
    const steps = await HttpWriterSteps.open(this.#agent, this.#timeoutMs, call);
    return new GuardedBlobWriter(key, steps, options.signal);
  }

  /** Drops kept-alive connections; calls under way fail. */
  close(): void {
    this.#agent.destroy();
  }

  #writeHeaders(options: PutOptions): Record<string, string> {
    return { 'content-type': BLOB_CONTENT_TYPE, ...(options.ifNotExists ? { 'if-none-match': '*' } : {}) };
  }

  #call(operation: BlobOperation, key: string, method: Exchange['method'], path: string, query: Record<string, string>, options: CallOptions, headers: Record<string, string> = {}): Exchange {
    const url = new URL(`${this.#base}${path}`);
    for (const [name, value] of Object.entries({ ...this.#query, ...query })) url.searchParams.set(name, value);
    return { operation, key, method, url, headers: { ...headers, authorization: `Bearer ${this.#token}` }, ...(options.signal ? { signal: options.signal } : {}) };
  }

  #expectOk(call: Exchange, answer: Answer): Answer {
    if (answer.status >= 200 && answer.status <= 299) return answer;
    throw answerError(call, answer);
  }
}

function infoOf(wire: WireBlobInfo): BlobInfo {
  if (typeof wire?.key !== 'string' || !Number.isSafeInteger(wire.size)) {
    throw new ArcaError('UploadChannelUnexpectedResponse', { operation: 'list', key: String(wire?.key), status: 200, reason: 'an entry without a key and a size' });
  }
  return wire.modified === undefined ? { key: wire.key, size: wire.size } : { key: wire.key, size: wire.size, modified: new Date(wire.modified) };
}
