import { constants, open, type FileHandle } from 'node:fs/promises';

/**
 * Direct I/O (O_DIRECT): writes that bypass the page cache. Large sequential writes of backup data
 * gain twice — they do not evict the machine's cache, and on the virtual machines we measured the
 * page-cache path costs four times the CPU of a direct write. Direct I/O needs buffers, offsets and
 * lengths aligned to the device block; 4 KiB covers every device. JavaScript buffers promise no
 * alignment, WebAssembly memory starts on a page boundary, so aligned buffers are carved from it.
 */
export const DIRECT_ALIGN = 4096;
const WASM_PAGE = 65536;

/** The one WebAssembly API used here; TypeScript declares WebAssembly only with the DOM library. */
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer } } }).WebAssembly;

/** A second handle on `path` for direct writes, or undefined where the system or file system refuses. */
export async function openDirect(path: string): Promise<FileHandle | undefined> {
  if (!('O_DIRECT' in constants)) return undefined;
  return open(path, constants.O_WRONLY | constants.O_DIRECT).catch(() => undefined);
}

/** A fixed set of page-aligned buffers of `size` bytes (a multiple of 64 KiB), lent out one at a time. */
export class AlignedBuffers {
  readonly size: number;
  readonly #free: Uint8Array[] = [];
  readonly #waiting: ((buffer: Uint8Array) => void)[] = [];

  constructor(count: number, size: number) {
    this.size = size;
    const memory = new Memory({ initial: Math.ceil((count * size) / WASM_PAGE) });
    for (let i = 0; i < count; i++) this.#free.push(new Uint8Array(memory.buffer, i * size, size));
  }

  /** A free buffer now, or undefined when all are lent out. */
  tryTake(): Uint8Array | undefined {
    return this.#free.pop();
  }

  take(): Promise<Uint8Array> {
    const buffer = this.#free.pop();
    return buffer ? Promise.resolve(buffer) : new Promise((resolve) => this.#waiting.push(resolve));
  }

  give(buffer: Uint8Array): void {
    const next = this.#waiting.shift();
    if (next) next(buffer);
    else this.#free.push(buffer);
  }
}

/** Writes all of `data` at `position`, however many calls that takes. */
export async function writeFully(file: FileHandle, data: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < data.length; ) {
    const { bytesWritten } = await file.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

export function isDirectRefusal(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'EINVAL';
}
