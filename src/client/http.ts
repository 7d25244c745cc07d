import { request } from 'node:https';
import { ArcaError, type Language } from '../core/errors/index.ts';
import { fromArmError } from './remote-error.ts';

/** Where a client talks to and how it proves who it is. */
export interface Connection {
  /** `https://host:port`, no trailing slash. */
  readonly server: string;
  /** PEM of the CA the server's certificate must chain to; the system's CAs are not consulted. */
  readonly ca: string;
  /** The bearer token to send; asked for on every call so a sign-in can refresh it. */
  readonly token: () => Promise<string>;
  readonly language: Language;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
}

const TLS_CODES = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_SIGNATURE_FAILURE']);

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Turns a transport failure into the catalog's words: a certificate we do not trust, or no answer at all. */
function transportError(error: NodeJS.ErrnoException, url: URL): ArcaError {
  const reason = `${error.code ?? 'error'}: ${error.message}`;
  if (error.code && TLS_CODES.has(error.code)) return new ArcaError('CliServerCertificateRejected', { url: url.origin, reason }, { cause: error });
  return new ArcaError('CliServerUnreachable', { url: url.origin, reason }, { cause: error });
}

/** Reads the body; an answer that is neither empty nor JSON is reported, not guessed at. */
function parseBody(text: string, method: string, url: URL, status: number): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ArcaError('CliUnexpectedResponse', { method, path: url.pathname, status, what: 'a body that is not JSON' });
  }
}

/** A body sent as its bytes (an archive), not as JSON. */
export interface RawBody {
  readonly bytes: Uint8Array;
  readonly contentType: string;
}

export const rawBody = (bytes: Uint8Array, contentType: string): RawBody => ({ bytes, contentType });

const isRawBody = (body: unknown): body is RawBody => typeof body === 'object' && body !== null && (body as RawBody).bytes instanceof Uint8Array && typeof (body as RawBody).contentType === 'string';

/**
 * One HTTPS call. 2xx answers resolve; every other answer throws the ArcaError of its ARM error
 * envelope, so callers see the vault's catalog code, localized, with its steps.
 */
export async function send(connection: Connection, method: string, target: string | URL, body?: unknown, timeoutMs = 60_000): Promise<HttpResponse> {
  const url = new URL(target, connection.server);
  const raw = isRawBody(body) ? body : undefined;
  const payload = raw ? raw.bytes : body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {
    authorization: `Bearer ${await connection.token()}`,
    'accept-language': connection.language,
    accept: 'application/json',
    ...(payload === undefined ? {} : { 'content-type': raw?.contentType ?? 'application/json' }),
  };
  const answer = await new Promise<{ status: number; headers: Record<string, string | undefined>; text: string }>((resolve, reject) => {
    const req = request(url, { method, ca: connection.ca, headers, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const flat: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(res.headers)) flat[name] = header(value);
        resolve({ status: res.statusCode ?? 0, headers: flat, text });
      });
      res.on('error', (error) => reject(transportError(error, url)));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    req.on('error', (error) => reject(transportError(error, url)));
    req.end(payload);
  });
  const parsed = parseBody(answer.text, method, url, answer.status);
  if (answer.status >= 200 && answer.status < 300) return { status: answer.status, headers: answer.headers, body: parsed };
  const requestId = answer.headers['x-ms-request-id'];
  const known = fromArmError(parsed, answer.status, connection.language, requestId);
  if (known) throw known;
  const code = (parsed as { error?: { code?: unknown } } | undefined)?.error?.code;
  throw new ArcaError('CliUnexpectedResponse', {
    method,
    path: url.pathname,
    status: answer.status,
    what: typeof code === 'string' ? `error code ${code}` : 'no ARM error envelope',
  });
}
