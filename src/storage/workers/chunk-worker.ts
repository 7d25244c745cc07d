import { parentPort, workerData } from 'node:worker_threads';
import type { RepositoryKeys } from '../crypto/keys.ts';
import { hashChunk, openChunk, sealChunk } from './chunk-work.ts';
import type { WorkRequest, WorkResponse } from './messages.ts';
import { releaseBuffer } from './release-memory.ts';

interface Settings {
  readonly keys: RepositoryKeys;
  readonly zstdLevel: number;
}
/** From workerData, or from the pool's first message when it started the worker before knowing the keys. */
let settings = (workerData as Partial<Settings>).keys ? (workerData as Settings) : undefined;
const port = parentPort;
if (!port) throw new Error('chunk-worker.ts runs only as a worker thread');

function handle({ keys, zstdLevel }: Settings, request: WorkRequest): { response: WorkResponse; transfer: ArrayBuffer[] } {
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
  }
}

port.on('message', (message: WorkRequest | { configure: Settings }) => {
  if ('configure' in message) {
    settings = message.configure;
    return;
  }
  const request = message;
  try {
    if (!settings) throw new Error('the worker received work before its keys');
    const { response, transfer } = handle(settings, request);
    port.postMessage(response, transfer);
  } catch (error) {
    const e = error as Error;
    port.postMessage({ seq: request.seq, ok: false, name: e.name, message: e.message } satisfies WorkResponse);
  }
});
