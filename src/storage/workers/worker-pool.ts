import { getCompileCacheDir } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RepositoryKeys } from '../crypto/keys.ts';
import { ChunkIdMismatchError, type SealedChunk } from './chunk-work.ts';
import type { WorkRequest, WorkResponse } from './messages.ts';

type Distribute<T> = T extends unknown ? Omit<T, 'seq'> : never;
type Job = { request: Distribute<WorkRequest>; transfer: ArrayBuffer[]; resolve: (r: WorkResponse) => void; reject: (e: Error) => void };

/**
 * Jobs a worker takes at once. One for work that is all CPU; a restore job ends in a write, and a
 * second one lets the worker open the next chunk while the first one's bytes go to the disk.
 */
const perWorker = (request: Distribute<WorkRequest>): number => (request.op === 'restore' ? 2 : 1);

/**
 * Worker threads that hash, compress, encrypt and decrypt chunks, and write restored ones, so that
 * the main thread only reads, looks up the index and schedules. Jobs go to the least busy worker,
 * in arrival order; buffers are transferred, so a caller must not touch a buffer after handing it over.
 */
export class ChunkWorkerPool {
  readonly size: number;
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
      const workerData = { keys, zstdLevel, compileCacheDir: getCompileCacheDir() };
      const worker = new Worker(new URL('./worker-entry.ts', import.meta.url), { workerData, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
      worker.unref();
      this.#running.set(worker, new Map());
      worker.on('message', (response: WorkResponse) => this.#settle(worker, response));
      worker.on('error', (error) => this.#fail(worker, error));
      worker.on('exit', (code) => this.#fail(worker, new Error(`a chunk worker stopped (exit code ${code})`)));
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

  /**
   * Opens a stored chunk on a worker and writes its non-zero blocks into the existing file `target`
   * at `at`; resolves to the bytes written. A failed write rejects with a TargetWriteError. Once a
   * restore's last chunk is done, release(target) closes the workers' handles on the file.
   */
  restore(id: Uint8Array, sealed: Uint8Array, flags: number, rawLength: number, target: string, at: number): Promise<number> {
    const own = sealed.byteOffset === 0 && sealed.byteLength === sealed.buffer.byteLength ? sealed : sealed.slice();
    const ownId = id.slice();
    return this.#submit({ op: 'restore', id: ownId, sealed: own, flags, rawLength, target, at }, [own.buffer as ArrayBuffer, ownId.buffer as ArrayBuffer]).then(
      (r) => (r as { written: number }).written,
    );
  }

  /** Closes every worker's handles on a restore target; call it once no restore job for it is running. */
  async release(target: string): Promise<void> {
    const closing = [...this.#running].map(
      ([worker, jobs]) =>
        new Promise<WorkResponse>((resolve, reject) => {
          const seq = ++this.#seq;
          jobs.set(seq, { request: { op: 'release', target }, transfer: [], resolve, reject });
          worker.postMessage({ op: 'release', target, seq }, []);
        }),
    );
    await Promise.all(closing);
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
    while (this.#configured && this.#queue.length > 0) {
      const job = this.#queue[0] as Job;
      let chosen: [Worker, Map<number, Job>] | undefined;
      for (const entry of this.#running) if (entry[1].size < (chosen?.[1].size ?? perWorker(job.request))) chosen = entry;
      if (!chosen) return;
      this.#queue.shift();
      const seq = ++this.#seq;
      chosen[1].set(seq, job);
      chosen[0].postMessage({ ...job.request, seq }, job.transfer);
    }
  }

  #settle(worker: Worker, response: WorkResponse): void {
    const jobs = this.#running.get(worker);
    const job = jobs?.get(response.seq);
    if (!job || !jobs) return;
    jobs.delete(response.seq);
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
    void worker.terminate();
    if (this.#running.size === 0) {
      this.#closed = true;
      for (const job of this.#queue.splice(0)) job.reject(error);
    }
  }
}
