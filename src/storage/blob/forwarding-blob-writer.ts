import type { BlobWriter } from './blob-store.ts';
import type { BlobWriterState } from './blob-writer-state.ts';

/**
 * A writer that wraps another: what it is (key, bytes written, state) is the inner writer's;
 * subclasses change what they must of write, commit and abort.
 */
export abstract class ForwardingBlobWriter implements BlobWriter {
  protected readonly inner: BlobWriter;

  constructor(inner: BlobWriter) {
    this.inner = inner;
  }

  get key(): string {
    return this.inner.key;
  }

  get bytesWritten(): number {
    return this.inner.bytesWritten;
  }

  get state(): BlobWriterState {
    return this.inner.state;
  }

  write(data: Uint8Array): Promise<void> {
    return this.inner.write(data);
  }

  commit(): Promise<void> {
    return this.inner.commit();
  }

  abort(): Promise<void> {
    return this.inner.abort();
  }
}
