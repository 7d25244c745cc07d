import { parentPort, workerData } from 'node:worker_threads';
import type { RepositoryKeys } from '../crypto/keys.ts';
import { SparseWriter } from '../restore/sparse-writer.ts';
import { hashChunk, openChunk, sealChunk } from './chunk-work.ts';
import type { WorkRequest, WorkResponse } from './messages.ts';
import { releaseBuffer } from './release-memory.ts';

interface Settings {
  readonly keys: RepositoryKeys;
  readonly zstdLevel: number;
}
type Reply = { response: WorkResponse; transfer: ArrayBuffer[] };

/** From workerData, or from the pool's first message when it started the worker before knowing the keys. */
let settings = (workerData as Partial<Settings>).keys ? (workerData as Settings) : undefined;
const port = parentPort;
if (!port) throw new Error('chunk-worker.ts runs only as a worker thread');

/** This thread's writers on restore targets, opened on a target's first chunk and closed by 'release'. */
const targets = new Map<string, Promise<SparseWriter>>();

function writerFor(target: string): Promise<SparseWriter> {
  let writer = targets.get(target);
  if (!writer) {
    writer = SparseWriter.open(target);
    targets.set(target, writer);
    // A failed open is reported by the chunk that asked; the next chunk tries again.
    writer.catch(() => targets.delete(target));
  }
  return writer;
}

async function release(target: string): Promise<void> {
  const writer = targets.get(target);
  targets.delete(target);
  await (await writer?.catch(() => undefined))?.close();
}

function handle({ keys, zstdLevel }: Settings, request: WorkRequest): Reply | Promise<Reply> {
  switch (request.op) {
    case 'hash': {
      const id = hashChunk(keys, request.data);
      return { response: { seq: request.seq, ok: true, id, data: request.data }, transfer: [request.data.buffer as ArrayBuffer] };
    }
    case 'seal': {
      const out = sealChunk(keys, zstdLevel, request.id, request.data);
      // The plaintext goes back too, so that the reader can reuse its buffer.
      return { response: { seq: request.seq, ok: true, ...out, data: request.data }, transfer: [out.sealed.buffer as ArrayBuffer, request.data.buffer as ArrayBuffer] };
    }
    case 'open': {
      const data = openChunk(keys, request.id, request.sealed, request.flags, request.rawLength, request.verifyId);
      // The sealed bytes came by transfer and are ours to free. The plaintext's buffer is ours too and
      // goes over whole (a little larger than the view, at most); a small one may be a slice of Node's
      // shared pool, which must not be transferred.
      releaseBuffer(request.sealed);
      const own = data.buffer.byteLength >= 64 * 1024 ? data : data.slice();
      return { response: { seq: request.seq, ok: true, data: own }, transfer: [own.buffer as ArrayBuffer] };
    }
    case 'restore':
      return restore(keys, request);
    case 'release':
      return released(request);
  }
}

async function released(request: Extract<WorkRequest, { op: 'release' }>): Promise<Reply> {
  await release(request.target);
  return { response: { seq: request.seq, ok: true, written: 0 }, transfer: [] };
}

/** Opens a chunk and writes it out here: the plaintext never goes back to the main thread. */
async function restore(keys: RepositoryKeys, request: Extract<WorkRequest, { op: 'restore' }>): Promise<Reply> {
  const data = openChunk(keys, request.id, request.sealed, request.flags, request.rawLength, false);
  releaseBuffer(request.sealed);
  try {
    const written = await (await writerFor(request.target)).write(data, request.at);
    return { response: { seq: request.seq, ok: true, written }, transfer: [] };
  } finally {
    releaseBuffer(data);
  }
}

function settingsOrThrow(): Settings {
  if (!settings) throw new Error('the worker received work before its keys');
  return settings;
}

function fail(seq: number, error: unknown): void {
  const e = error as Error;
  port?.postMessage({ seq, ok: false, name: e.name, message: e.message } satisfies WorkResponse);
}

port.on('message', (message: WorkRequest | { configure: Settings }) => {
  if ('configure' in message) {
    settings = message.configure;
    return;
  }
  const request = message;
  try {
    // Closing a target needs no keys: a restore that failed early may release before the keys came.
    const reply = request.op === 'release' ? released(request) : handle(settingsOrThrow(), request);
    if (reply instanceof Promise) reply.then(({ response, transfer }) => port.postMessage(response, transfer), (error: unknown) => fail(request.seq, error));
    else port.postMessage(reply.response, reply.transfer);
  } catch (error) {
    fail(request.seq, error);
  }
});
