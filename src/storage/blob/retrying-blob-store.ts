import { invalidArgument, isArcaError, type ArcaError } from '../../core/errors/index.ts';
import { raceAbort, sleep as realSleep } from './abort.ts';
import { listTarget, type BlobOperation } from './blob-operation.ts';
import type { BlobInfo, BlobStore, BlobWriter, CallOptions, GetOptions, PutOptions } from './blob-store.ts';
import { ForwardingBlobWriter } from './forwarding-blob-writer.ts';
import { sameBytes } from './same-bytes.ts';

export interface RetryEvent {
  readonly operation: BlobOperation;
  /** The key, or for list the prefix followed by `*`. */
  readonly key: string;
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: ArcaError;
}

export interface RetryOptions {
  /** Tries in all, the first included. */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Waits `ms`; rejects with the signal's reason when it aborts. Defaults to a real timer. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A number in [0, 1), as Math.random gives. */
  readonly random?: () => number;
  /** Told before each wait, for logs and metrics. */
  readonly onRetry?: (event: RetryEvent) => void;
}

/**
 * Tries a call again when it fails with an error the catalog marks retryable, waiting a random
 * time up to an exponentially growing, capped ceiling between tries ("full jitter"). Permanent
 * errors and aborts pass through at once; after the last try the last error is thrown as it was.
 *
 * put with ifNotExists is ambiguous after a transient failure: the failed try may have committed
 * before its reply was lost, and the next try then meets RepositoryBlobExists. That error is
 * settled by reading the object back: the same bytes mean our own write landed and the put
 * succeeds; other bytes mean another writer won, and RepositoryBlobExists stands. The first try's
 * RepositoryBlobExists is never questioned. Writers that must tell themselves apart (locks) put
 * something unique to them in the bytes.
 *
 * list is tried again only until it yields its first item; after that its errors pass through, as
 * a fresh listing would repeat items the caller already has.
 *
 * Of a writer, create and commit are tried again; a write is not, as its bytes are the caller's
 * and may be gone: a failed write rejects and the writer is aborted, and the caller restarts the
 * whole object with a new create. commit is tried again only while the writer stays `committing`
 * (its bytes intact). A RepositoryBlobExists met by a later try of an ifNotExists commit cannot
 * be settled by comparing bytes, which the writer no longer has, so it stands as the error; the
 * caller tells its own object apart by its contents, as for a put.
 */
export class RetryingBlobStore implements BlobStore {
  readonly location: string;
  readonly #inner: BlobStore;
  readonly #attempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  readonly #onRetry: ((event: RetryEvent) => void) | undefined;

  constructor(inner: BlobStore, options: RetryOptions = {}) {
    const { attempts = 5, baseDelayMs = 100, maxDelayMs = 5000 } = options;
    if (!Number.isSafeInteger(attempts) || attempts < 1) throw invalidArgument('attempts', `${attempts} is not a whole number of one or more`);
    if (!(baseDelayMs >= 0 && maxDelayMs >= baseDelayMs)) {
      throw invalidArgument('maxDelayMs', `delays must satisfy 0 <= baseDelayMs (${baseDelayMs}) <= maxDelayMs (${maxDelayMs})`);
    }
    this.#inner = inner;
    this.location = inner.location;
    this.#attempts = attempts;
    this.#baseDelayMs = baseDelayMs;
    this.#maxDelayMs = maxDelayMs;
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
    this.#onRetry = options.onRetry;
  }

  async put(key: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    let failedBefore = false;
    try {
      await this.#retry('put', key, options, (attempt) => {
        failedBefore = attempt > 1;
        return this.#inner.put(key, data, options);
      });
    } catch (error) {
      if (!(failedBefore && options?.ifNotExists && isArcaError(error) && error.code === 'RepositoryBlobExists')) throw error;
      if (!(await this.#holds(key, data, options))) throw error;
    }
  }

  get(key: string, options?: GetOptions): Promise<Uint8Array> {
    return this.#retry('get', key, options, () => this.#inner.get(key, options));
  }

  stat(key: string, options?: CallOptions): Promise<BlobInfo | undefined> {
    return this.#retry('stat', key, options, () => this.#inner.stat(key, options));
  }

  async *list(prefix: string, options?: CallOptions): AsyncGenerator<BlobInfo> {
    let iterator: AsyncIterator<BlobInfo> | undefined;
    const first = await this.#retry('list', listTarget(prefix), options, async () => {
      const candidate = this.#inner.list(prefix, options)[Symbol.asyncIterator]();
      const result = await candidate.next();
      iterator = candidate;
      return result;
    });
    if (first.done || iterator === undefined) return;
    try {
      yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  }

  delete(key: string, options?: CallOptions): Promise<void> {
    return this.#retry('delete', key, options, () => this.#inner.delete(key, options));
  }

  async create(key: string, options?: PutOptions): Promise<BlobWriter> {
    const inner = await this.#retry('create', key, options, () => this.#inner.create(key, options));
    const commit = () => this.#retry('commit', key, options, () => inner.commit(), () => inner.state === 'committing');
    return new RetryingBlobWriter(inner, commit);
  }

  /** The wait before try `attempt + 1`: uniform in [0, min(max, base * 2^(attempt - 1))). */
  #delayAfter(attempt: number): number {
    const ceiling = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.#random() * ceiling);
  }

  /** Runs `call` until it succeeds, fails for good, or `canTryAgain` says another try cannot help. */
  async #retry<T>(
    operation: BlobOperation,
    key: string,
    options: CallOptions | undefined,
    call: (attempt: number) => Promise<T>,
    canTryAgain = () => true,
  ): Promise<T> {
    const signal = options?.signal;
    for (let attempt = 1; ; attempt += 1) {
      signal?.throwIfAborted();
      try {
        return await call(attempt);
      } catch (error) {
        if (signal?.aborted || !isArcaError(error) || !error.retryable || attempt >= this.#attempts || !canTryAgain()) throw error;
        const delayMs = this.#delayAfter(attempt);
        this.#onRetry?.({ operation, key, attempt, delayMs, error });
        await raceAbort(this.#sleep(delayMs, signal), signal);
      }
    }
  }

  async #holds(key: string, data: Uint8Array, options: CallOptions | undefined): Promise<boolean> {
    try {
      return sameBytes(await this.get(key, { signal: options?.signal }), data);
    } catch (error) {
      if (isArcaError(error) && error.code === 'RepositoryBlobNotFound') return false;
      throw error;
    }
  }
}

/** A writer whose commit is tried again; everything else goes straight to the inner writer. */
class RetryingBlobWriter extends ForwardingBlobWriter {
  readonly #commit: () => Promise<void>;

  constructor(inner: BlobWriter, commit: () => Promise<void>) {
    super(inner);
    this.#commit = commit;
  }

  override commit(): Promise<void> {
    return this.#commit();
  }
}
