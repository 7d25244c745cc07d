import { request } from 'node:https';

export interface HttpsResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  json<T = unknown>(): T;
}

/** One HTTPS GET that trusts only the given CA, as an agent pinned to the vault's CA would. */
export function httpsGet(url: string, ca: string, headers: Record<string, string> = {}): Promise<HttpsResponse> {
  return httpsRequest('GET', url, ca, headers);
}

/** One HTTPS request; a `body` other than a string or bytes is sent as JSON. */
export function httpsRequest(method: string, url: string, ca: string, headers: Record<string, string> = {}, content?: unknown): Promise<HttpsResponse> {
  const payload = content === undefined ? undefined : typeof content === 'string' || content instanceof Uint8Array ? content : JSON.stringify(content);
  const allHeaders = payload === undefined ? headers : { 'content-type': 'application/json', ...headers };
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers: allHeaders }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body) as T }),
      );
    });
    req.on('error', reject);
    req.end(payload);
  });
}
