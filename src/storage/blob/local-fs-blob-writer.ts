import { rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ArcaError } from '../../core/errors/index.ts';
import type { BlobOperation } from './blob-operation.ts';
import type { BlobWriter, PutOptions } from './blob-store.ts';
import { IO_CHUNK_BYTES, openTemporaryFile, syncFolder } from './durable-file.ts';
import { placeFile, placementError } from './file-placement.ts';
import { fsErrorToArca } from './fs-error.ts';
import { GuardedBlobWriter, type WriterSteps } from './guarded-blob-writer.ts';

/** Where a LocalFs writer's object goes, and what its errors name. */
export interface LocalFsTarget {
  readonly key: string;
  /** The file the key spells. */
  readonly target: string;
  readonly temporaryFolder: string;
  readonly location: string;
}

/** Opens the writer's temporary file; the caller has checked the key and the signal. */
export async function openLocalFsWriter(where: LocalFsTarget, options: PutOptions): Promise<BlobWriter> {
  const { signal } = options;
  let opened;
  try {
    opened = await openTemporaryFile(where.temporaryFolder);
  } catch (error) {
    throw fsErrorToArca(error, { operation: 'create', key: where.key, location: where.location });
  }
  const steps = new LocalFsWriterSteps(where, opened.path, opened.handle, options.ifNotExists === true);
  if (signal?.aborted) {
    await steps.discard();
    throw signal.reason;
  }
  return new GuardedBlobWriter(where.key, steps, signal);
}

/**
 * A writer's bytes go straight to a temporary file with positional writes, so nothing is held in
 * memory and the caller's buffer is free once a write resolves. Commit goes in steps, each done
 * once, so a commit tried again after a retryable failure resumes where it stopped: flush and
 * close the file, place it (link or rename), flush the folder. A failed flush is never retried:
 * the kernel may drop the pages it could not write, and a second fsync would then report success
 * for bytes that are gone; the writer is aborted instead and the caller writes the object anew.
 * An abort after the file was placed (the folder flush failed) leaves the object, as a put that
 * fails at the same point does.
 */
class LocalFsWriterSteps implements WriterSteps {
  readonly #where: LocalFsTarget;
  readonly #path: string;
  readonly #ifNotExists: boolean;
  /** Open until commit flushes it. */
  #handle: FileHandle | undefined;
  #size = 0;
  #placed = false;
  #lost = false;

  constructor(where: LocalFsTarget, path: string, handle: FileHandle, ifNotExists: boolean) {
    this.#where = where;
    this.#path = path;
    this.#handle = handle;
    this.#ifNotExists = ifNotExists;
  }

  async append(data: Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    // The guard runs append only while the writer is open, before commit flushes the file.
    const handle = this.#handle as FileHandle;
    try {
      for (let done = 0; done < data.length; ) {
        signal?.throwIfAborted();
        const length = Math.min(IO_CHUNK_BYTES, data.length - done);
        const { bytesWritten } = await handle.write(data, done, length, this.#size + done);
        done += bytesWritten;
      }
    } catch (error) {
      throw this.#failure(error, 'write');
    }
    this.#size += data.length;
  }

  async publish(signal: AbortSignal | undefined): Promise<void> {
    let placing = false;
    try {
      if (this.#handle !== undefined) await this.#flush();
      if (!this.#placed) {
        signal?.throwIfAborted();
        placing = true;
        await placeFile(this.#path, this.#where.target, this.#ifNotExists);
        placing = false;
        this.#placed = true;
      }
      await syncFolder(dirname(this.#where.target));
    } catch (error) {
      throw (placing ? placementError(error, this.#where.key, this.#ifNotExists) : undefined) ?? this.#failure(error, 'commit');
    }
  }

  canRetryPublish(): boolean {
    return !this.#lost;
  }

  async discard(): Promise<void> {
    await this.#handle?.close().catch(() => undefined);
    this.#handle = undefined;
    // What cannot be removed now is swept by cleanTemporary.
    if (!this.#placed) await rm(this.#path, { force: true }).catch(() => undefined);
  }

  async #flush(): Promise<void> {
    const handle = this.#handle as FileHandle;
    try {
      await handle.sync();
    } catch (error) {
      this.#lost = true;
      throw error;
    }
    this.#handle = undefined;
    await handle.close();
  }

  #failure(error: unknown, operation: BlobOperation): ArcaError {
    return fsErrorToArca(error, { operation, key: this.#where.key, location: this.#where.location });
  }
}
