import { Agent } from 'node:https';

/** An HTTP proxy that tunnels HTTPS with CONNECT (waagent's HttpProxy.Host / HttpProxy.Port). */
export interface HttpProxy {
  readonly host: string;
  readonly port: number;
}

export interface TunnelAgentOptions {
  /** PEM of the only CA to trust; absent: the system's CAs. */
  readonly ca?: string | Buffer;
  /** When set, every connection is a CONNECT tunnel through it; the TLS session still ends at the server. */
  readonly proxy?: HttpProxy;
  /** Skip certificate checks: only to fetch a CA that is then pinned by fingerprint. */
  readonly insecure?: boolean;
  readonly keepAlive?: boolean;
  readonly maxSockets?: number;
}

/** `http://host:port`, an IPv6 literal in brackets. */
export function proxyUrl(proxy: HttpProxy): string {
  const host = proxy.host.includes(':') && !proxy.host.startsWith('[') ? `[${proxy.host}]` : proxy.host;
  return `http://${host}:${proxy.port}`;
}

/**
 * The https.Agent every HTTPS client on the machine uses, tunnelling through the proxy when one is
 * configured. Node's own proxy support does the CONNECT: it is given the proxy explicitly, so the
 * process's HTTPS_PROXY / NO_PROXY environment never decides where the vault's traffic goes.
 */
export function tunnelAgent(options: TunnelAgentOptions): Agent {
  return new Agent({
    keepAlive: options.keepAlive ?? true,
    ...(options.maxSockets === undefined ? {} : { maxSockets: options.maxSockets }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.insecure ? { rejectUnauthorized: false } : {}),
    ...(options.proxy ? { proxyEnv: { HTTPS_PROXY: proxyUrl(options.proxy) } } : {}),
  });
}
