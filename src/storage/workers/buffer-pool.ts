/**
 * Recycles the large buffers of the data path, and bounds how many are out at once. Allocating a
 * fresh 4 MiB buffer per chunk costs a thousand page faults each time; reusing a few keeps memory
 * flat and the kernel out of the loop. Buffers travel to workers and back by transfer, so a buffer
 * is either in the pool, in flight, or held by exactly one owner.
 *
 * Each acquire takes one of `limit` permits, waiting while all are out; each release gives one
 * back, also for a buffer that did not come back (a failed worker keeps it): memory stays bounded
 * whatever the size of the disk, and a failure never starves the reader.
 */
export class BufferPool {
  readonly capacity: number;
  readonly limit: number;
  readonly #free: ArrayBuffer[] = [];
  readonly #waiting: (() => void)[] = [];
  #out = 0;

  constructor(capacity: number, limit: number) {
    this.capacity = capacity;
    this.limit = limit;
  }

  /** A view of `length` bytes (at most `capacity`) over a recycled or new buffer, once a permit is free. Contents are undefined. */
  async acquire(length: number): Promise<Uint8Array> {
    if (length > this.capacity) throw new RangeError(`a buffer of ${length} bytes was asked of a pool of ${this.capacity}-byte buffers`);
    if (this.#out >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#out++;
    return new Uint8Array(this.#free.pop() ?? new ArrayBuffer(this.capacity), 0, length);
  }

  /** Gives a permit back, and the buffer with it when it is intact; call once per acquire. */
  release(view: Uint8Array | undefined): void {
    const buffer = view?.buffer;
    if (buffer instanceof ArrayBuffer && buffer.byteLength === this.capacity && !buffer.detached) this.#free.push(buffer);
    // The permit passes straight to the next waiter, so the count stays right.
    const next = this.#waiting.shift();
    if (next) next();
    else this.#out--;
  }
}
