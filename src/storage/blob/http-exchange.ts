import { request, type Agent } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { ArcaError, findEntry, type CatalogCode } from '../../core/errors/index.ts';
import { OPERATION_VERBS, type BlobOperation } from './blob-operation.ts';
import { ERROR_PARAMS_INFO } from './http-blob-wire.ts';

/** Where one call goes and what it is, for messages. */
export interface Exchange {
  readonly operation: BlobOperation;
  /** The key, or for list the prefix followed by `*`. */
  readonly key: string;
  readonly method: 'GET' | 'PUT' | 'DELETE';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string | number>>;
  readonly signal?: AbortSignal;
}

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A failure of the connection itself (refused, reset, timed out, TLS): retrying can help. */
export function transportError(call: Pick<Exchange, 'operation' | 'key'>, cause: unknown): ArcaError {
  const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
  return new ArcaError('RepositoryStoreUnavailable', { operation: OPERATION_VERBS[call.operation], key: call.key, reason: `the vault could not be reached (${reason})` }, { cause });
}

interface ArmErrorShape {
  error?: { code?: unknown; message?: unknown; additionalInfo?: { type?: unknown; info?: unknown }[] };
}

function paramsOf(envelope: ArmErrorShape): Record<string, string | number> {
  const info = envelope.error?.additionalInfo?.find((entry) => entry.type === ERROR_PARAMS_INFO)?.info;
  const params: Record<string, string | number> = {};
  if (typeof info !== 'object' || info === null) return params;
  for (const [name, value] of Object.entries(info)) if (typeof value === 'string' || typeof value === 'number') params[name] = value;
  return params;
}

/**
 * The ArcaError an error answer carries: the server's own code with its parameters when the
 * catalog knows it; otherwise a 5xx is the store being unavailable (retryable) and anything else
 * an answer the channel does not use.
 */
export function answerError(call: Pick<Exchange, 'operation' | 'key'>, answer: Pick<Answer, 'status' | 'body'>): ArcaError {
  let envelope: ArmErrorShape = {};
  try {
    envelope = JSON.parse(answer.body.toString('utf8')) as ArmErrorShape;
  } catch {
    // Not ARM's envelope: decided by the status below.
  }
  const code = envelope.error?.code;
  if (typeof code === 'string' && findEntry(code) !== undefined) {
    return new ArcaError(findEntry(code)?.code as CatalogCode, { key: call.key, ...paramsOf(envelope) });
  }
  const reason = typeof envelope.error?.message === 'string' ? envelope.error.message.slice(0, 200) : answer.body.toString('utf8').slice(0, 200) || 'no error body';
  if (answer.status >= 500) {
    return new ArcaError('RepositoryStoreUnavailable', { operation: OPERATION_VERBS[call.operation], key: call.key, reason: `HTTP ${answer.status}: ${reason}` });
  }
  return new ArcaError('UploadChannelUnexpectedResponse', { operation: OPERATION_VERBS[call.operation], key: call.key, status: answer.status, reason });
}

/** Reads a whole answer into one buffer, sized by Content-Length where given. */
export function readAnswer(response: IncomingMessage): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    response.on('data', (piece: Buffer) => pieces.push(piece));
    response.on('error', reject);
    response.on('aborted', () => reject(new Error('the answer was cut short')));
    response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(pieces) }));
  });
}

/**
 * One request with its whole body, answered in full. Connection failures become
 * RepositoryStoreUnavailable; an aborted signal rejects with its reason. Status codes are the
 * caller's to judge.
 */
export function exchange(agent: Agent, timeoutMs: number, call: Exchange, body?: Uint8Array): Promise<Answer> {
  const { signal } = call;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<Answer>((resolve, reject) => {
    const headers = body === undefined ? call.headers : { ...call.headers, 'content-length': body.length };
    const req = request(call.url, { method: call.method, agent, headers, timeout: timeoutMs, ...(signal ? { signal } : {}) });
    const fail = (error: unknown) => reject(signal?.aborted ? signal.reason : transportError(call, error));
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', fail);
    req.on('response', (response) => readAnswer(response).then(resolve, fail));
    req.end(body);
  });
}
