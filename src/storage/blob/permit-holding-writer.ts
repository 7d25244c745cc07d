import type { BlobWriter } from './blob-store.ts';
import { isFinished } from './blob-writer-state.ts';
import { ForwardingBlobWriter } from './forwarding-blob-writer.ts';
import type { Release } from './semaphore.ts';

/**
 * A writer that holds a ConcurrencyLimitedBlobStore permit and gives it back once the inner
 * writer is finished: committed, or aborted by the caller, a failed call or its signal. The
 * permit goes back only after the inner writer has let go of its bytes.
 */
export class PermitHoldingWriter extends ForwardingBlobWriter {
  readonly #release: Release;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => void this.#finish().catch(() => undefined);

  constructor(inner: BlobWriter, release: Release, signal: AbortSignal | undefined) {
    super(inner);
    this.#release = release;
    this.#signal = signal;
    if (signal?.aborted) this.#onAbort();
    else signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  override write(data: Uint8Array): Promise<void> {
    return this.#settled(this.inner.write(data));
  }

  override commit(): Promise<void> {
    return this.#settled(this.inner.commit());
  }

  override async abort(): Promise<void> {
    await this.#finish();
  }

  /** Settles like `call`, after giving the permit back when the call left the writer finished. */
  async #settled(call: Promise<void>): Promise<void> {
    try {
      await call;
    } finally {
      if (isFinished(this.inner.state)) await this.#finish();
    }
  }

  /** Aborts the inner writer (nothing to do once committed) and then gives the permit back. */
  async #finish(): Promise<void> {
    try {
      await this.inner.abort();
    } finally {
      this.#signal?.removeEventListener('abort', this.#onAbort);
      this.#release();
    }
  }
}
