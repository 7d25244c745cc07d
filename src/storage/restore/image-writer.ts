import { constants, open, type FileHandle } from 'node:fs/promises';
import { ArcaError } from '../../core/errors/index.ts';

/** Direct I/O needs buffers, offsets and lengths aligned to the device's block; 4 KiB covers all. */
const ALIGN = 4096;
const SLOT_BYTES = 4 * 1024 * 1024;
const WASM_PAGE = 65536;

/** The one WebAssembly API used here; TypeScript declares WebAssembly only with the DOM library. */
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer } } }).WebAssembly;

/**
 * Writes a restored image. Large, aligned writes bypass the page cache (O_DIRECT) where the file
 * system allows it: a multi-GiB restore then neither evicts the machine's cache nor pays for it —
 * on the machines we measured, buffered writes plus the final flush cost four times as long. Direct
 * writes need aligned memory, which JavaScript buffers do not promise; WebAssembly memory starts
 * on a page boundary, so data is staged there. Where direct I/O is refused (tmpfs, other systems),
 * or for the unaligned tail of an image, writes go through the page cache as usual.
 */
export class ImageWriter {
  readonly #buffered: FileHandle;
  #direct: FileHandle | undefined;
  readonly #slots: Uint8Array[] = [];
  readonly #waiting: ((slot: Uint8Array) => void)[] = [];

  private constructor(buffered: FileHandle, direct: FileHandle | undefined, slots: number) {
    this.#buffered = buffered;
    this.#direct = direct;
    if (direct) {
      const memory = new Memory({ initial: (slots * SLOT_BYTES) / WASM_PAGE });
      for (let i = 0; i < slots; i++) this.#slots.push(new Uint8Array(memory.buffer, i * SLOT_BYTES, SLOT_BYTES));
    }
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
    const direct = 'O_DIRECT' in constants ? await open(path, constants.O_WRONLY | constants.O_DIRECT).catch(() => undefined) : undefined;
    return new ImageWriter(buffered, direct, slots);
  }

  get direct(): boolean {
    return this.#direct !== undefined;
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    const alignedLength = data.length - (data.length % ALIGN);
    if (!this.#direct || position % ALIGN !== 0 || alignedLength === 0 || data.length > SLOT_BYTES) {
      return writeFully(this.#buffered, data, position);
    }
    const slot = await this.#take();
    try {
      slot.set(data.subarray(0, alignedLength));
      await writeFully(this.#direct, slot.subarray(0, alignedLength), position);
    } catch (error) {
      // A file system that accepted the open may still refuse direct writes: use the page cache.
      if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
      await this.#direct?.close().catch(() => undefined);
      this.#direct = undefined;
      await writeFully(this.#buffered, data.subarray(0, alignedLength), position);
    } finally {
      this.#give(slot);
    }
    if (alignedLength < data.length) await writeFully(this.#buffered, data.subarray(alignedLength), position + alignedLength);
  }

  /** Flushes everything to the device, then closes. */
  async close(sync: boolean): Promise<void> {
    try {
      if (sync) await this.#buffered.sync();
    } finally {
      await this.#direct?.close();
      await this.#buffered.close();
    }
  }

  #take(): Promise<Uint8Array> {
    const slot = this.#slots.pop();
    return slot ? Promise.resolve(slot) : new Promise((resolve) => this.#waiting.push(resolve));
  }

  #give(slot: Uint8Array): void {
    const next = this.#waiting.shift();
    if (next) next(slot);
    else this.#slots.push(slot);
  }
}

async function writeFully(file: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await file.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}
