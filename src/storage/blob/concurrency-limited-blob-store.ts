import type { BlobInfo, BlobStore, BlobWriter, CallOptions, GetOptions, PutOptions } from './blob-store.ts';
import { PermitHoldingWriter } from './permit-holding-writer.ts';
import { Semaphore } from './semaphore.ts';

/**
 * Lets at most `limit` calls reach the inner store at once; the rest wait in order. A list holds
 * one permit from the start of its iteration until the caller stops iterating, so a loop that
 * lists and calls the same store inside needs a limit above the number of such loops at once.
 *
 * A writer likewise holds one permit from create until it is committed or aborted (also by a
 * failed write or its signal), since an open upload ties up the medium as a call does. So the
 * same deadlock threatens: with `limit` writers open, every other call (another create, a put,
 * a get the writer's caller waits for before its next write) queues until one of them finishes.
 * Keep fewer writers open at once than the limit, and commit or abort every writer.
 */
export class ConcurrencyLimitedBlobStore implements BlobStore {
  readonly location: string;
  readonly #inner: BlobStore;
  readonly #permits: Semaphore;

  constructor(inner: BlobStore, limit: number) {
    this.#inner = inner;
    this.#permits = new Semaphore(limit);
    this.location = inner.location;
  }

  /** Calls running in the inner store now, and calls queued for a turn. */
  get load(): { readonly running: number; readonly waiting: number } {
    return { running: this.#permits.held, waiting: this.#permits.waiting };
  }

  put(key: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    return this.#limited(options, () => this.#inner.put(key, data, options));
  }

  get(key: string, options?: GetOptions): Promise<Uint8Array> {
    return this.#limited(options, () => this.#inner.get(key, options));
  }

  stat(key: string, options?: CallOptions): Promise<BlobInfo | undefined> {
    return this.#limited(options, () => this.#inner.stat(key, options));
  }

  async *list(prefix: string, options?: CallOptions): AsyncGenerator<BlobInfo> {
    const release = await this.#permits.acquire(options?.signal);
    try {
      yield* this.#inner.list(prefix, options);
    } finally {
      release();
    }
  }

  delete(key: string, options?: CallOptions): Promise<void> {
    return this.#limited(options, () => this.#inner.delete(key, options));
  }

  async create(key: string, options?: PutOptions): Promise<BlobWriter> {
    const release = await this.#permits.acquire(options?.signal);
    try {
      return new PermitHoldingWriter(await this.#inner.create(key, options), release, options?.signal);
    } catch (error) {
      release();
      throw error;
    }
  }

  async #limited<T>(options: CallOptions | undefined, call: () => Promise<T>): Promise<T> {
    const release = await this.#permits.acquire(options?.signal);
    try {
      return await call();
    } finally {
      release();
    }
  }
}
