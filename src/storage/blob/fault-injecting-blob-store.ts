import { invalidArgument, type ArcaError } from '../../core/errors/index.ts';
import { BLOB_OPERATIONS, listTarget, type BlobOperation } from './blob-operation.ts';
import type { BlobInfo, BlobStore, BlobWriter, CallOptions, GetOptions, PutOptions } from './blob-store.ts';
import { ActiveFault, faultError, type FaultHandle, type FaultRule } from './fault-rule.ts';
import { GuardedBlobWriter, type WriterSteps } from './guarded-blob-writer.ts';

interface DueFault {
  readonly error: ArcaError;
  readonly afterCall: boolean;
  readonly torn: boolean;
}

/**
 * Passes calls to an inner store and fails those that match rules added while a test runs, so
 * every storage error code can be produced on demand. It also counts calls per operation and can
 * flip a bit of a stored object, for tests of verification. With no rules it changes nothing.
 * Writers go through it too: create, each write and each commit are calls that rules match.
 */
export class FaultInjectingBlobStore implements BlobStore {
  readonly location: string;
  readonly #inner: BlobStore;
  readonly #faults: ActiveFault[] = [];
  readonly #calls = Object.fromEntries(BLOB_OPERATIONS.map((operation) => [operation, 0])) as Record<BlobOperation, number>;

  constructor(inner: BlobStore) {
    this.#inner = inner;
    this.location = inner.location;
  }

  /** Calls made through this wrapper so far, per operation, the failed ones included. */
  get calls(): Readonly<Record<BlobOperation, number>> {
    return { ...this.#calls };
  }

  /** Adds a rule; the first matching rule, in the order added, decides a call. */
  addFault(rule: FaultRule): FaultHandle {
    const fault = new ActiveFault(rule, (removed) => this.#drop(removed));
    this.#faults.push(fault);
    return fault;
  }

  clearFaults(): void {
    this.#faults.length = 0;
  }

  /** Flips one bit of a stored object in place, as a failing disk would. */
  async corrupt(key: string, byteIndex: number, bit = 0): Promise<void> {
    const data = await this.#inner.get(key);
    if (!Number.isSafeInteger(byteIndex) || byteIndex < 0 || byteIndex >= data.length) {
      throw invalidArgument('byteIndex', `${byteIndex} is outside the ${data.length} bytes of ${key}`);
    }
    if (!Number.isSafeInteger(bit) || bit < 0 || bit > 7) throw invalidArgument('bit', `${bit} is not a bit of a byte`);
    data[byteIndex] = (data[byteIndex] as number) ^ (1 << bit);
    await this.#inner.put(key, data);
  }

  async put(key: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    const due = this.#due('put', key, data.length);
    if (due && !due.afterCall) throw due.error;
    await this.#inner.put(key, data, options);
    this.#countBytes('put', key, data.length);
    if (due) throw due.error;
  }

  get(key: string, options?: GetOptions): Promise<Uint8Array> {
    return this.#call('get', key, () => this.#inner.get(key, options));
  }

  stat(key: string, options?: CallOptions): Promise<BlobInfo | undefined> {
    return this.#call('stat', key, () => this.#inner.stat(key, options));
  }

  async *list(prefix: string, options?: CallOptions): AsyncGenerator<BlobInfo> {
    const due = this.#due('list', prefix, 0);
    if (due && !due.afterCall) throw due.error;
    yield* this.#inner.list(prefix, options);
    if (due) throw due.error;
  }

  delete(key: string, options?: CallOptions): Promise<void> {
    return this.#call('delete', key, () => this.#inner.delete(key, options));
  }

  async create(key: string, options?: PutOptions): Promise<BlobWriter> {
    const inner = await this.#call('create', key, () => this.#inner.create(key, options));
    return new GuardedBlobWriter(key, this.#faultySteps(inner), options?.signal);
  }

  /** A writer's steps, each a call the rules see; a torn commit aborts the inner writer. */
  #faultySteps(inner: BlobWriter): WriterSteps {
    return {
      append: async (data) => {
        const due = this.#due('write', inner.key, data.length);
        if (due && !due.afterCall) throw due.error;
        await inner.write(data);
        this.#countBytes('write', inner.key, data.length);
        if (due) throw due.error;
      },
      publish: async () => {
        const due = this.#due('commit', inner.key, 0);
        if (due?.torn) await inner.abort();
        if (due && !due.afterCall) throw due.error;
        await inner.commit();
        if (due) throw due.error;
      },
      // After a lost reply (afterCall) the inner writer is committed, and committing again is a no-op.
      canRetryPublish: () => inner.state !== 'aborted',
      discard: () => inner.abort(),
    };
  }

  async #call<T>(operation: BlobOperation, key: string, call: () => Promise<T>): Promise<T> {
    const due = this.#due(operation, key, 0);
    if (due && !due.afterCall) throw due.error;
    const result = await call();
    if (due) throw due.error;
    return result;
  }

  /** Counts the call and finds the rule that fails it, if any. */
  #due(operation: BlobOperation, key: string, size: number): DueFault | undefined {
    this.#calls[operation] += 1;
    let fault: ActiveFault | undefined;
    for (const candidate of this.#faults) {
      // Every matching rule counts the call, also when an earlier rule is the one that fails it.
      if (candidate.appliesTo(operation, key) && candidate.firesOn(size)) fault ??= candidate;
    }
    if (!fault) return undefined;
    fault.fired += 1;
    if (fault.rule.once) this.#drop(fault);
    const target = operation === 'list' ? listTarget(key) : key;
    const error = faultError(fault.rule, operation, target, this.location, this.#calls[operation]);
    return { error, afterCall: fault.rule.kind === 'fail' && fault.rule.afterCall === true, torn: fault.rule.kind === 'torn-put' };
  }

  #countBytes(operation: 'put' | 'write', key: string, size: number): void {
    for (const fault of this.#faults) if (fault.appliesTo(operation, key)) fault.bytes += size;
  }

  #drop(fault: ActiveFault): void {
    const index = this.#faults.indexOf(fault);
    if (index >= 0) this.#faults.splice(index, 1);
  }
}
