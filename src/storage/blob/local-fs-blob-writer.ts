import { rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ArcaError } from '../../core/errors/index.ts';
import type { BlobOperation } from './blob-operation.ts';
import type { BlobWriter, PutOptions } from './blob-store.ts';
import { IO_CHUNK_BYTES, openTemporaryFile, syncFolder } from './durable-file.ts';
import { placeFile, placementError } from './file-placement.ts';
import { fsErrorToArca } from './fs-error.ts';
import { GuardedBlobWriter, type WriterSteps } from './guarded-blob-writer.ts';
import { AlignedBuffers, DIRECT_ALIGN, isDirectRefusal, openDirect, writeFully } from '../direct-io.ts';

/**
 * Staging buffers for direct writes, shared by all writers of the process. A writer that finds
 * none free writes through the page cache instead of waiting, so many concurrent writers never
 * block one another.
 */
/** 1 MiB stages: large enough that direct writes run at the device's speed, small enough to keep four. */
const STAGE_BYTES = 1024 * 1024;
let stages: AlignedBuffers | undefined;

function takeStage(): Uint8Array | undefined {
  stages ??= new AlignedBuffers(4, STAGE_BYTES);
  return stages.tryTake();
}

function giveStage(stage: Uint8Array): void {
  stages?.give(stage);
}

interface DirectState {
  readonly handle: FileHandle;
  readonly stage: Uint8Array;
  staged: number;
}

/** Where a LocalFs writer's object goes, and what its errors name. */
export interface LocalFsTarget {
  readonly key: string;
  /** The file the key spells. */
  readonly target: string;
  readonly temporaryFolder: string;
  readonly location: string;
}

/** Opens the writer's temporary file; the caller has checked the key and the signal. */
export async function openLocalFsWriter(where: LocalFsTarget, options: PutOptions, directIo = false): Promise<BlobWriter> {
  const { signal } = options;
  let opened;
  try {
    opened = await openTemporaryFile(where.temporaryFolder);
  } catch (error) {
    throw fsErrorToArca(error, { operation: 'create', key: where.key, location: where.location });
  }
  const stage = directIo ? takeStage() : undefined;
  const direct = stage ? await openDirect(opened.path) : undefined;
  if (stage && !direct) giveStage(stage);
  const steps = new LocalFsWriterSteps(where, opened.path, opened.handle, options.ifNotExists === true, direct && stage ? { handle: direct, stage } : undefined);
  if (signal?.aborted) {
    await steps.discard();
    throw signal.reason;
  }
  return new GuardedBlobWriter(where.key, steps, signal);
}

/**
 * A writer's bytes go straight to a temporary file with positional writes, so nothing is held in
 * memory and the caller's buffer is free once a write resolves. Where the file system allows direct
 * I/O, they are gathered in a page-aligned stage and written past the page cache 1 MiB at a time
 * (see direct-io.ts); the unaligned tail goes through the page cache at commit. Commit goes in steps, each done
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
  /** Direct writing: the second handle, the stage and how many bytes wait in it. */
  #direct: DirectState | undefined;

  constructor(where: LocalFsTarget, path: string, handle: FileHandle, ifNotExists: boolean, direct?: { handle: FileHandle; stage: Uint8Array }) {
    this.#where = where;
    this.#path = path;
    this.#handle = handle;
    this.#ifNotExists = ifNotExists;
    this.#direct = direct ? { ...direct, staged: 0 } : undefined;
  }

  async append(data: Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    if (this.#direct) return this.#appendDirect(data, signal);
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

  /** Copies into the stage; writes it out directly each time it fills. */
  async #appendDirect(data: Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    const direct = this.#direct as DirectState;
    try {
      for (let done = 0; done < data.length; ) {
        signal?.throwIfAborted();
        const length = Math.min(direct.stage.length - direct.staged, data.length - done);
        direct.stage.set(data.subarray(done, done + length), direct.staged);
        direct.staged += length;
        done += length;
        this.#size += length;
        if (direct.staged === direct.stage.length) await this.#drainStage(false);
      }
    } catch (error) {
      throw this.#failure(error, 'write');
    }
  }

  /**
   * Writes the stage out: its aligned part directly, and at `final` its tail through the page cache.
   * A file system that refuses a direct write gets the stage through the page cache, and the rest of
   * the object follows that way.
   */
  async #drainStage(final: boolean): Promise<void> {
    const direct = this.#direct;
    if (!direct) return;
    const start = this.#size - direct.staged;
    const aligned = final ? direct.staged - (direct.staged % DIRECT_ALIGN) : direct.staged;
    try {
      await writeFully(direct.handle, direct.stage.subarray(0, aligned), start);
    } catch (error) {
      if (!isDirectRefusal(error)) throw error;
      await writeFully(this.#handle as FileHandle, direct.stage.subarray(0, direct.staged), start);
      this.#releaseDirect();
      return;
    }
    if (final && aligned < direct.staged) await writeFully(this.#handle as FileHandle, direct.stage.subarray(aligned, direct.staged), start + aligned);
    direct.staged = 0;
    if (final) this.#releaseDirect();
  }

  #releaseDirect(): void {
    const direct = this.#direct;
    this.#direct = undefined;
    if (!direct) return;
    void direct.handle.close().catch(() => undefined);
    giveStage(direct.stage);
  }

  async publish(signal: AbortSignal | undefined): Promise<void> {
    let placing = false;
    try {
      if (this.#direct) await this.#drainStage(true);
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
    this.#releaseDirect();
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
