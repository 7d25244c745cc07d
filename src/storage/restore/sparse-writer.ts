import { open, type FileHandle } from 'node:fs/promises';
import { isAllZero } from '../chunking/fixed-chunker.ts';
import { AlignedBuffers, DIRECT_ALIGN, isDirectRefusal, openDirect, writeFully } from '../direct-io.ts';

/** Granularity of holes inside a chunk: zero runs this long are skipped, not written. */
export const SPARSE_BLOCK = 64 * 1024;
const SLOT_BYTES = 4 * 1024 * 1024;
/** Two: one chunk's bytes go out while the next chunk is being opened on the same thread. */
const SLOTS = 2;

/** This thread's staging buffers, shared by its writers and made on first use. */
let staging: AlignedBuffers | undefined;

/** Writing to the restore target failed; the restore reports it as RestoreTargetUnwritable. */
export class TargetWriteError extends Error {
  override name = 'TargetWriteError';
}

/**
 * Writes restored chunks into an image file that already exists at its full size, from a worker
 * thread: only the non-zero 64 KiB blocks of each chunk are written, so zeros stay holes. Aligned
 * pieces go out with direct I/O through page-aligned staging buffers of this thread (see
 * direct-io.ts) where the file system allows it; the page cache takes the rest, and everything
 * once direct writes are refused. The caller makes the file durable (fsync) once every writer is closed.
 */
export class SparseWriter {
  readonly #buffered: FileHandle;
  #direct: FileHandle | undefined;

  private constructor(buffered: FileHandle, direct: FileHandle | undefined) {
    this.#buffered = buffered;
    this.#direct = direct;
  }

  /** Opens an existing file for writing; it is neither created nor truncated. */
  static async open(path: string): Promise<SparseWriter> {
    let buffered: FileHandle;
    try {
      buffered = await open(path, 'r+');
    } catch (error) {
      throw new TargetWriteError((error as Error).message, { cause: error });
    }
    return new SparseWriter(buffered, await openDirect(path));
  }

  /** Writes `data` at `position`, skipping all-zero blocks; returns the bytes actually written. */
  async write(data: Uint8Array, position: number): Promise<number> {
    try {
      let written = 0;
      let runStart = -1;
      for (let at = 0; at < data.length; at += SPARSE_BLOCK) {
        if (!isAllZero(data.subarray(at, at + SPARSE_BLOCK))) {
          if (runStart < 0) runStart = at;
        } else if (runStart >= 0) {
          await this.#writeRun(data.subarray(runStart, at), position + runStart);
          written += at - runStart;
          runStart = -1;
        }
      }
      if (runStart >= 0) {
        await this.#writeRun(data.subarray(runStart), position + runStart);
        written += data.length - runStart;
      }
      return written;
    } catch (error) {
      throw error instanceof TargetWriteError ? error : new TargetWriteError((error as Error).message, { cause: error });
    }
  }

  async #writeRun(data: Uint8Array, position: number): Promise<void> {
    for (let done = 0; done < data.length; done += SLOT_BYTES) await this.#writePiece(data.subarray(done, done + SLOT_BYTES), position + done);
  }

  async #writePiece(data: Uint8Array, position: number): Promise<void> {
    const aligned = data.length - (data.length % DIRECT_ALIGN);
    const direct = this.#direct;
    if (!direct || position % DIRECT_ALIGN !== 0 || aligned === 0) return writeFully(this.#buffered, data, position);
    const stages = (staging ??= new AlignedBuffers(SLOTS, SLOT_BYTES));
    const slot = await stages.take();
    try {
      slot.set(data.subarray(0, aligned));
      await writeFully(direct, slot.subarray(0, aligned), position);
    } catch (error) {
      // A file system that accepted the open may still refuse direct writes: use the page cache.
      if (!isDirectRefusal(error)) throw error;
      if (this.#direct === direct) {
        this.#direct = undefined;
        void direct.close().catch(() => undefined);
      }
      await writeFully(this.#buffered, data.subarray(0, aligned), position);
    } finally {
      stages.give(slot);
    }
    if (aligned < data.length) await writeFully(this.#buffered, data.subarray(aligned), position + aligned);
  }

  async close(): Promise<void> {
    const direct = this.#direct;
    this.#direct = undefined;
    try {
      await direct?.close();
      await this.#buffered.close();
    } catch (error) {
      throw new TargetWriteError((error as Error).message, { cause: error });
    }
  }
}
