import type { Clock } from '../../core/clock.ts';
import { ArcaError } from '../../core/errors/index.ts';
import { systemClock } from '../../platform/system-clock.ts';
import { clampRange, requireValidKey, requireValidPrefix, requireValidRange } from './argument-checks.ts';
import type { BlobInfo, BlobStore, BlobWriter, CallOptions, GetOptions, PutOptions } from './blob-store.ts';
import { GuardedBlobWriter } from './guarded-blob-writer.ts';

interface StoredBlob {
  readonly data: Uint8Array;
  readonly modified: Date;
}

/**
 * Keeps blobs in a Map, for tests and for a repository that lives only as long as the process.
 * Bytes are copied in and out, so no caller can change what is stored. Each call does its work
 * without awaiting in between, which makes every put atomic and ifNotExists race-free. A writer
 * collects copies of its pieces and inserts them, joined, at commit in the same way.
 */
export class MemoryBlobStore implements BlobStore {
  readonly location: string;
  readonly #blobs = new Map<string, StoredBlob>();
  readonly #clock: Clock;

  constructor(options: { location?: string; clock?: Clock } = {}) {
    this.location = options.location ?? 'memory:';
    this.#clock = options.clock ?? systemClock;
  }

  async put(key: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    requireValidKey(key);
    options.signal?.throwIfAborted();
    if (options.ifNotExists && this.#blobs.has(key)) throw new ArcaError('RepositoryBlobExists', { key });
    this.#blobs.set(key, { data: data.slice(), modified: this.#clock.now() });
  }

  async get(key: string, options: GetOptions = {}): Promise<Uint8Array> {
    requireValidKey(key);
    requireValidRange(options.range);
    options.signal?.throwIfAborted();
    const blob = this.#blobs.get(key);
    if (!blob) throw new ArcaError('RepositoryBlobNotFound', { key });
    const { start, end } = clampRange(options.range, blob.data.length);
    return blob.data.slice(start, end);
  }

  async stat(key: string, options: CallOptions = {}): Promise<BlobInfo | undefined> {
    requireValidKey(key);
    options.signal?.throwIfAborted();
    const blob = this.#blobs.get(key);
    return blob && { key, size: blob.data.length, modified: blob.modified };
  }

  async *list(prefix: string, options: CallOptions = {}): AsyncGenerator<BlobInfo> {
    requireValidPrefix(prefix);
    options.signal?.throwIfAborted();
    // A snapshot of the keys: puts and deletes made while the caller iterates do not disturb it.
    const keys = [...this.#blobs.keys()].filter((key) => key.startsWith(prefix));
    for (const key of keys) {
      options.signal?.throwIfAborted();
      const info = await this.stat(key);
      if (info) yield info;
    }
  }

  async delete(key: string, options: CallOptions = {}): Promise<void> {
    requireValidKey(key);
    options.signal?.throwIfAborted();
    this.#blobs.delete(key);
  }

  async create(key: string, options: PutOptions = {}): Promise<BlobWriter> {
    requireValidKey(key);
    options.signal?.throwIfAborted();
    let pieces: Uint8Array[] = [];
    const steps = {
      append: async (data: Uint8Array) => void pieces.push(data.slice()),
      publish: async () => {
        if (options.ifNotExists && this.#blobs.has(key)) throw new ArcaError('RepositoryBlobExists', { key });
        this.#blobs.set(key, { data: joined(pieces), modified: this.#clock.now() });
        pieces = [];
      },
      canRetryPublish: () => true,
      discard: async () => void (pieces = []),
    };
    return new GuardedBlobWriter(key, steps, options.signal);
  }
}

function joined(pieces: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}
