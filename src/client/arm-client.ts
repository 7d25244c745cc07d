import { ArcaError } from '../core/errors/index.ts';
import { send, type Connection, type HttpResponse } from './http.ts';
import { fromArmError } from './remote-error.ts';

/** An ARM long-running operation as its status resource reports it. */
export interface OperationStatus {
  readonly id?: string;
  readonly status: string;
  readonly error?: { code?: string; message?: string };
  readonly properties?: { jobId?: string; [key: string]: unknown };
}

export interface WaitOptions {
  /** Give up after this long (the operation goes on in the vault). */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Called with each status read, for progress. */
  readonly onStatus?: (status: OperationStatus) => void;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new ArcaError('OperationCancelled', { operation: 'waiting for the vault' }));
    }, { once: true });
  });

/**
 * The ARM habits on top of one HTTPS call: paths under the subscription, `api-version` on every
 * call, lists read through every `nextLink`, and 202 answers followed through `Azure-AsyncOperation`.
 */
export class ArmClient {
  readonly connection: Connection;
  readonly subscriptionId: string;

  constructor(connection: Connection, subscriptionId: string) {
    this.connection = connection;
    this.subscriptionId = subscriptionId;
  }

  /** `/resourceGroups/…` becomes `/subscriptions/{sub}/resourceGroups/…`; `/arca/…` and `/subscriptions/…` stay. */
  url(path: string, apiVersion: string, query: Readonly<Record<string, string | undefined>> = {}): URL {
    const absolute = path.startsWith('/subscriptions/') || path.startsWith('/arca/') ? path : `/subscriptions/${this.subscriptionId}${path}`;
    const url = new URL(absolute.split('/').map((part) => encodeURIComponent(decodeURIComponent(part))).join('/'), this.connection.server);
    url.searchParams.set('api-version', apiVersion);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
    return url;
  }

  call(method: string, path: string, apiVersion: string, options: { body?: unknown; query?: Record<string, string | undefined> } = {}): Promise<HttpResponse> {
    return send(this.connection, method, this.url(path, apiVersion, options.query), options.body);
  }

  async get<T>(path: string, apiVersion: string, query?: Record<string, string | undefined>): Promise<T> {
    return (await this.call('GET', path, apiVersion, query ? { query } : {})).body as T;
  }

  /** Every item of a list, following `nextLink` (the server's own URL, kept as given). */
  async list<T>(path: string, apiVersion: string, query?: Record<string, string | undefined>): Promise<T[]> {
    const items: T[] = [];
    let page = (await this.call('GET', path, apiVersion, query ? { query } : {})).body as { value?: T[]; nextLink?: string };
    for (;;) {
      items.push(...(page.value ?? []));
      if (!page.nextLink) return items;
      const next = new URL(page.nextLink);
      if (next.origin !== new URL(this.connection.server).origin) {
        throw new ArcaError('CliUnexpectedResponse', { method: 'GET', path: next.pathname, status: 200, what: `a nextLink to another server (${next.origin})` });
      }
      page = (await send(this.connection, 'GET', next)).body as { value?: T[]; nextLink?: string };
    }
  }

  /** Reads an operation's status resource until it leaves InProgress, at the pace `Retry-After` asks (at least 250 ms). */
  async waitForOperation(statusUrl: string, options: WaitOptions): Promise<OperationStatus> {
    const deadline = performance.now() + options.timeoutMs;
    for (;;) {
      const answer = await send(this.connection, 'GET', statusUrl);
      const status = answer.body as OperationStatus;
      options.onStatus?.(status);
      if (status.status !== 'InProgress') return status;
      if (performance.now() > deadline) throw new ArcaError('CliWaitTimedOut', { what: 'operation', seconds: Math.round(options.timeoutMs / 1000), jobId: status.properties?.jobId ?? '' });
      const retryAfter = Number(answer.headers['retry-after']);
      await sleep(Math.max(250, Number.isFinite(retryAfter) ? retryAfter * 1000 : 1000), options.signal);
    }
  }

  /** The operation-status URL of a 202 answer; undefined when the answer finished at once. */
  static operationUrl(answer: HttpResponse): string | undefined {
    return answer.status === 202 ? (answer.headers['azure-asyncoperation'] ?? answer.headers.location) : undefined;
  }
}

/** The catalog error of an operation that ended Failed; undefined for any other end. */
export function operationError(status: OperationStatus, connection: Connection): ArcaError | undefined {
  if (status.status !== 'Failed') return undefined;
  return (
    fromArmError({ error: status.error }, undefined, connection.language) ??
    new ArcaError('CliUnexpectedResponse', { method: 'GET', path: status.id ?? 'operation', status: 200, what: `a failed operation with error code ${status.error?.code ?? 'none'}` })
  );
}
