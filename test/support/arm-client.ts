import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { httpsRequest, type HttpsResponse } from './https-client.ts';

/** server.json as `arca server` writes it into its data directory. */
export interface ServerInfo {
  readonly url: string;
  readonly caFile: string;
  readonly subscriptionId: string;
  readonly tenantId: string;
}

export async function readServerInfo(dataDir: string): Promise<ServerInfo> {
  return JSON.parse(await readFile(join(dataDir, 'server.json'), 'utf8')) as ServerInfo;
}

/**
 * A small ARM client for tests: paths are relative to the subscription (`/resourcegroups/rg`) unless
 * they start with `/subscriptions` or `/arca`, and get `api-version` added unless they carry one.
 */
export class ArmTestClient {
  readonly info: ServerInfo;
  readonly ca: string;
  token: string;
  language = 'en';

  constructor(info: ServerInfo, ca: string, token: string) {
    this.info = info;
    this.ca = ca;
    this.token = token;
  }

  static async forDataDir(dataDir: string, token: string): Promise<ArmTestClient> {
    const info = await readServerInfo(dataDir);
    return new ArmTestClient(info, await readFile(info.caFile, 'utf8'), token);
  }

  /** The same client with another token. */
  as(token: string): ArmTestClient {
    return new ArmTestClient(this.info, this.ca, token);
  }

  url(path: string, apiVersion?: string): string {
    const absolute = path.startsWith('https://') ? path : `${this.info.url}${path.startsWith('/subscriptions') || path.startsWith('/arca') ? '' : `/subscriptions/${this.info.subscriptionId}`}${path}`;
    if (apiVersion === undefined || /[?&]api-version=/.test(absolute)) return absolute;
    return `${absolute}${absolute.includes('?') ? '&' : '?'}api-version=${apiVersion}`;
  }

  request(method: string, path: string, options: { apiVersion?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpsResponse> {
    const headers = { authorization: `Bearer ${this.token}`, 'accept-language': this.language, ...options.headers };
    return httpsRequest(method, this.url(path, options.apiVersion), this.ca, headers, options.body);
  }
}
