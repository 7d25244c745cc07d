/**
 * Recycles the large buffers of the data path. Allocating a fresh 4 MiB buffer per chunk costs a
 * thousand page faults each time and leaves garbage that only a later GC returns; reusing a few
 * buffers keeps memory flat and the kernel out of the loop. Buffers travel to workers and back by
 * transfer, so a buffer is either in the pool, in flight, or held by exactly one owner.
 */
export class BufferPool {
  readonly capacity: number;
  readonly #free: ArrayBuffer[] = [];
  readonly #keep: number;

  constructor(capacity: number, keep: number) {
    this.capacity = capacity;
    this.#keep = keep;
  }

  /** A view of `length` bytes (at most `capacity`) over a recycled or new buffer. Contents are undefined. */
  acquire(length: number): Uint8Array {
    if (length > this.capacity) return new Uint8Array(length);
    return new Uint8Array(this.#free.pop() ?? new ArrayBuffer(this.capacity), 0, length);
  }

  /** Gives a buffer back; ones of another size, or beyond what the pool keeps, are left to the GC. */
  release(view: Uint8Array): void {
    const buffer = view.buffer;
    if (buffer instanceof ArrayBuffer && buffer.byteLength === this.capacity && !buffer.detached && this.#free.length < this.#keep) {
      this.#free.push(buffer);
    }
  }
}
