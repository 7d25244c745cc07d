import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RepositoryKeys } from '../crypto/keys.ts';
import { ChunkIdMismatchError, type SealedChunk } from './chunk-work.ts';
import type { WorkRequest, WorkResponse } from './messages.ts';

type Distribute<T> = T extends unknown ? Omit<T, 'seq'> : never;
type Job = { request: Distribute<WorkRequest>; transfer: ArrayBuffer[]; resolve: (r: WorkResponse) => void; reject: (e: Error) => void };

/**
 * Worker threads that hash, compress, encrypt and decrypt chunks, so that the main thread only
 * reads, looks up the index and writes. Jobs go to the first idle worker, in arrival order; buffers
 * are transferred, so a caller must not touch a buffer after handing it over.
 */
export class ChunkWorkerPool {
  readonly size: number;
  #idle: Worker[] = [];
  #queue: Job[] = [];
  #running = new Map<Worker, Map<number, Job>>();
  #seq = 0;
  #closed = false;
  #configured: boolean;

  /**
   * Without `keys`, the workers start at once (loading their code takes a tenth of a second) and
   * wait for configure(): a caller can start them while the passphrase is being stretched.
   */
  constructor(keys: RepositoryKeys | undefined, zstdLevel: number, size = Math.max(1, availableParallelism())) {
    this.size = size;
    this.#configured = keys !== undefined;
    for (let i = 0; i < size; i++) {
      // Small young generations: the workers' own objects are few; their big buffers live outside the heap.
      const worker = new Worker(new URL('./chunk-worker.ts', import.meta.url), { workerData: { keys, zstdLevel }, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
      worker.unref();
      this.#running.set(worker, new Map());
      worker.on('message', (response: WorkResponse) => this.#settle(worker, response));
      worker.on('error', (error) => this.#fail(worker, error));
      worker.on('exit', (code) => this.#fail(worker, new Error(`a chunk worker stopped (exit code ${code})`)));
      this.#idle.push(worker);
    }
  }

  /** Gives workers started without keys their keys; jobs queued meanwhile start now. */
  configure(keys: RepositoryKeys, zstdLevel: number): void {
    if (this.#configured) throw new Error('worker pool is already configured');
    for (const worker of this.#running.keys()) worker.postMessage({ configure: { keys, zstdLevel } }, []);
    this.#configured = true;
    this.#pump();
  }

  hash(data: Uint8Array): Promise<{ id: Uint8Array; data: Uint8Array }> {
    return this.#submit({ op: 'hash', data }, [data.buffer as ArrayBuffer]) as Promise<{ id: Uint8Array; data: Uint8Array }>;
  }

  /** Compresses and encrypts; `data` comes back untouched with the result, for reuse. */
  seal(id: Uint8Array, data: Uint8Array): Promise<SealedChunk & { data: Uint8Array }> {
    return this.#submit({ op: 'seal', id: id.slice(), data }, [data.buffer as ArrayBuffer]) as Promise<SealedChunk & { data: Uint8Array }>;
  }

  /**
   * Opens a stored chunk. A `sealed` buffer that is exactly its ArrayBuffer is transferred (the
   * caller must not use it again); a view into a larger read, such as a whole pack, is copied out
   * first, since posting a view would clone the entire buffer behind it.
   */
  open(id: Uint8Array, sealed: Uint8Array, flags: number, rawLength: number, verifyId = false): Promise<Uint8Array> {
    const own = sealed.byteOffset === 0 && sealed.byteLength === sealed.buffer.byteLength ? sealed : sealed.slice();
    const ownId = id.slice();
    return this.#submit({ op: 'open', id: ownId, sealed: own, flags, rawLength, verifyId }, [own.buffer as ArrayBuffer, ownId.buffer as ArrayBuffer]).then(
      (r) => (r as { data: Uint8Array }).data,
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#running.keys()].map((w) => w.terminate()));
  }

  #submit(request: Distribute<WorkRequest>, transfer: ArrayBuffer[]): Promise<WorkResponse> {
    if (this.#closed) return Promise.reject(new Error('worker pool is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, transfer, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#configured && this.#idle.length > 0 && this.#queue.length > 0) {
      const worker = this.#idle.shift() as Worker;
      const job = this.#queue.shift() as Job;
      const seq = ++this.#seq;
      this.#running.get(worker)?.set(seq, job);
      worker.postMessage({ ...job.request, seq }, job.transfer);
    }
  }

  #settle(worker: Worker, response: WorkResponse): void {
    const jobs = this.#running.get(worker);
    const job = jobs?.get(response.seq);
    if (!job || !jobs) return;
    jobs.delete(response.seq);
    this.#idle.push(worker);
    if (response.ok) job.resolve(response);
    else job.reject(response.name === 'ChunkIdMismatchError' ? new ChunkIdMismatchError(response.message) : Object.assign(new Error(response.message), { name: response.name }));
    this.#pump();
  }

  /** A worker that failed or stopped leaves the pool; once none is left, waiting jobs fail too. */
  #fail(worker: Worker, error: Error): void {
    const jobs = this.#running.get(worker);
    if (!jobs) return;
    for (const job of jobs.values()) job.reject(error);
    this.#running.delete(worker);
    this.#idle = this.#idle.filter((w) => w !== worker);
    void worker.terminate();
    if (this.#running.size === 0) {
      this.#closed = true;
      for (const job of this.#queue.splice(0)) job.reject(error);
    }
  }
}
