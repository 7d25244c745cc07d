import { open, type FileHandle } from 'node:fs/promises';
import { ArcaError } from '../../core/errors/index.ts';
import { AlignedBuffers, DIRECT_ALIGN, isDirectRefusal, openDirect, writeFully } from '../direct-io.ts';

const SLOT_BYTES = 4 * 1024 * 1024;

/**
 * Writes a restored image: aligned pieces with direct I/O through page-aligned staging buffers
 * (see direct-io.ts), where the file system allows it; the page cache otherwise, and for the
 * unaligned tail of an image.
 */
export class ImageWriter {
  readonly #buffered: FileHandle;
  #direct: FileHandle | undefined;
  readonly #staging: AlignedBuffers | undefined;

  private constructor(buffered: FileHandle, direct: FileHandle | undefined, slots: number) {
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
    await buffered.truncate(size);
    return new ImageWriter(buffered, await openDirect(path), slots);
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    const alignedLength = data.length - (data.length % DIRECT_ALIGN);
    if (!this.#direct || !this.#staging || position % DIRECT_ALIGN !== 0 || alignedLength === 0 || data.length > SLOT_BYTES) {
      return writeFully(this.#buffered, data, position);
    }
    const slot = await this.#staging.take();
    try {
      slot.set(data.subarray(0, alignedLength));
      await writeFully(this.#direct, slot.subarray(0, alignedLength), position);
    } catch (error) {
      // A file system that accepted the open may still refuse direct writes: use the page cache.
      if (!isDirectRefusal(error)) throw error;
      await this.#direct?.close().catch(() => undefined);
      this.#direct = undefined;
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
    } finally {
      await this.#direct?.close();
      await this.#buffered.close();
    }
  }
}
