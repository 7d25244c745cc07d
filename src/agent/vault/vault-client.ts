import { request, type Agent } from 'node:https';
import type { DetailedPeerCertificate } from 'node:tls';
import { ArcaError } from '../../core/errors/index.ts';
import { tunnelAgent, type HttpProxy } from '../../platform/https-proxy.ts';

/** How the agent reaches its vault: the endpoint, the CA it trusts, and a proxy when the machine needs one. */
export interface VaultEndpoint {
  readonly url: string;
  /** PEM of the CA to trust; absent: the system's CAs. */
  readonly ca?: string;
  readonly proxy?: HttpProxy;
  /** Skip certificate checks: only to fetch a CA that is then pinned by fingerprint (ca-pinning.ts). */
  readonly insecureForPinning?: boolean;
}

export interface VaultResponse {
  readonly status: number;
  readonly body: string;
  /** The TLS socket's certificate chain, for pinning. */
  readonly peerChain: readonly DetailedPeerCertificate[];
}

const TLS_FAILURE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL_)/;
const REQUEST_TIMEOUT_MS = 30_000;

/** A keep-alive agent per endpoint, tunnelling through the proxy (HTTP CONNECT) when one is configured. */
export function httpsAgentFor(endpoint: VaultEndpoint): Agent {
  return tunnelAgent({
    ...(endpoint.ca === undefined ? {} : { ca: endpoint.ca }),
    ...(endpoint.proxy ? { proxy: endpoint.proxy } : {}),
    ...(endpoint.insecureForPinning ? { insecure: true } : {}),
  });
}

function chainOf(socket: unknown): DetailedPeerCertificate[] {
  const tls = socket as { getPeerCertificate?: (detailed: true) => DetailedPeerCertificate };
  if (typeof tls.getPeerCertificate !== 'function') return [];
  const chain: DetailedPeerCertificate[] = [];
  let cert: DetailedPeerCertificate | undefined = tls.getPeerCertificate(true);
  while (cert && cert.raw && !chain.some((c) => c.fingerprint256 === cert?.fingerprint256)) {
    chain.push(cert);
    cert = cert.issuerCertificate;
  }
  return chain;
}

/** A failure to get any answer, as the catalog names it: TLS refused, or the vault not reached. */
export function transportError(endpoint: string, error: unknown, machine: string): ArcaError {
  const code = String((error as NodeJS.ErrnoException).code ?? '');
  const reason = `${code ? `${code}: ` : ''}${(error as Error).message}`.slice(0, 400);
  if (TLS_FAILURE.test(code)) return new ArcaError('UserErrorSecureChannelFailed', { vmName: machine, endpoint, reason }, { cause: error });
  return new ArcaError('AgentVaultUnreachable', { endpoint, reason }, { cause: error });
}

/** One HTTPS request to the vault; a body is sent as JSON. Any status comes back; transport failures throw catalog errors. */
export function vaultRequest(
  endpoint: VaultEndpoint,
  agent: Agent,
  options: { method: string; path: string; headers?: Record<string, string>; body?: unknown; signal?: AbortSignal; machine?: string },
): Promise<VaultResponse> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers = { accept: 'application/json', ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers };
  const url = new URL(options.path, endpoint.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, agent, headers, timeout: REQUEST_TIMEOUT_MS, ...(options.signal ? { signal: options.signal } : {}) }, (res) => {
      const peerChain = chainOf(res.socket);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, peerChain }));
      res.on('error', (error) => reject(transportError(endpoint.url, error, options.machine ?? 'this machine')));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' })));
    req.on('error', (error) => reject(options.signal?.aborted ? error : transportError(endpoint.url, error, options.machine ?? 'this machine')));
    req.end(payload);
  });
}

/** The vault's ARM error envelope as AgentVaultRefused, so the vault's own code and words reach the log. */
export function refusal(operation: string, response: VaultResponse): ArcaError {
  let code = 'unknown';
  let reason = response.body.slice(0, 300);
  try {
    const parsed = JSON.parse(response.body) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.code === 'string') code = parsed.error.code;
    if (typeof parsed.error?.message === 'string') reason = parsed.error.message;
  } catch {
    // not JSON: keep the start of the body as the reason
  }
  return new ArcaError('AgentVaultRefused', { operation, status: response.status, code, reason });
}

/**
 * A GET of a binary body of at most `maxBytes` (an agent package): the status and the bytes. A
 * larger body is cut off and refused, so a vault cannot fill the machine's memory.
 */
export function vaultDownload(
  endpoint: VaultEndpoint,
  agent: Agent,
  options: { path: string; headers?: Record<string, string>; maxBytes: number; signal?: AbortSignal; machine?: string },
): Promise<{ status: number; body: Buffer }> {
  const url = new URL(options.path, endpoint.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent, headers: { accept: 'application/gzip, application/json', ...options.headers }, timeout: REQUEST_TIMEOUT_MS, ...(options.signal ? { signal: options.signal } : {}) }, (res) => {
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          req.destroy(Object.assign(new Error(`the answer is larger than ${options.maxBytes} bytes`), { code: 'ERR_TOO_LARGE' }));
          return;
        }
        parts.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
      res.on('error', (error) => reject(transportError(endpoint.url, error, options.machine ?? 'this machine')));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' })));
    req.on('error', (error) => reject(options.signal?.aborted ? error : transportError(endpoint.url, error, options.machine ?? 'this machine')));
    req.end();
  });
}
