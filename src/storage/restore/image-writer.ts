import { open, type FileHandle } from 'node:fs/promises';
import { ArcaError } from '../../core/errors/index.ts';
import { AlignedBuffers, DIRECT_ALIGN, isDirectRefusal, openDirect, writeFully } from '../direct-io.ts';

const SLOT_BYTES = 4 * 1024 * 1024;

function unwritable(path: string, error: unknown): ArcaError {
  return error instanceof ArcaError ? error : new ArcaError('RestoreTargetUnwritable', { path, reason: (error as Error).message }, { cause: error });
}

/**
 * Writes a restored image: aligned pieces with direct I/O through page-aligned staging buffers
 * (see direct-io.ts), where the file system allows it; the page cache otherwise, and for the
 * unaligned tail of an image.
 */
export class ImageWriter {
  readonly #path: string;
  readonly #buffered: FileHandle;
  #direct: FileHandle | undefined;
  readonly #staging: AlignedBuffers | undefined;

  private constructor(path: string, buffered: FileHandle, direct: FileHandle | undefined, slots: number) {
    this.#path = path;
    this.#buffered = buffered;
    this.#direct = direct;
    this.#staging = direct ? new AlignedBuffers(slots, SLOT_BYTES) : undefined;
  }

  /** Creates (or with `force` replaces) the file at `path`, sized to `size` so that unwritten ranges are holes. */
  static async create(path: string, size: number, force: boolean, slots = 4): Promise<ImageWriter> {
    let buffered: FileHandle;
    try {
      buffered = await open(path, force ? 'w' : 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ArcaError('RestoreTargetExists', { path }, { cause: error });
      throw new ArcaError('ImageFileUnreadable', { path, reason: (error as Error).message }, { cause: error });
    }
    try {
      await buffered.truncate(size);
    } catch (error) {
      await buffered.close();
      throw unwritable(path, error);
    }
    return new ImageWriter(path, buffered, await openDirect(path), slots);
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    try {
      await this.#write(data, position);
    } catch (error) {
      throw unwritable(this.#path, error);
    }
  }

  async #write(data: Uint8Array, position: number): Promise<void> {
    const alignedLength = data.length - (data.length % DIRECT_ALIGN);
    const direct = this.#direct;
    if (!direct || !this.#staging || position % DIRECT_ALIGN !== 0 || alignedLength === 0 || data.length > SLOT_BYTES) {
      return writeFully(this.#buffered, data, position);
    }
    const slot = await this.#staging.take();
    try {
      slot.set(data.subarray(0, alignedLength));
      await writeFully(direct, slot.subarray(0, alignedLength), position);
    } catch (error) {
      // A file system that accepted the open may still refuse direct writes: use the page cache.
      if (!isDirectRefusal(error)) throw error;
      if (this.#direct === direct) {
        this.#direct = undefined;
        void direct.close().catch(() => undefined);
      }
      await writeFully(this.#buffered, data.subarray(0, alignedLength), position);
    } finally {
      this.#staging.give(slot);
    }
    if (alignedLength < data.length) await writeFully(this.#buffered, data.subarray(alignedLength), position + alignedLength);
  }

  /** Flushes everything to the device when `sync`, then closes. */
  async close(sync: boolean): Promise<void> {
    try {
      if (sync) await this.#buffered.sync();
    } catch (error) {
      throw unwritable(this.#path, error);
    } finally {
      await this.#direct?.close().catch(() => undefined);
      await this.#buffered.close().catch(() => undefined);
    }
  }
}
