import { request } from 'node:https';
import { ArcaError, CATALOG, type CatalogCode, type Language } from '../core/errors/index.ts';
import { RemoteArcaError } from './remote-error.ts';

export interface ServicePrincipalToken {
  readonly accessToken: string;
  /** When the token stops being accepted, ISO-8601. */
  readonly expiresOn: string;
}

/**
 * The client-credentials grant at the vault's Azure-AD-shaped endpoint `/{tenant}/oauth2/v2.0/token`.
 * Its failures come in OAuth's shape; the catalog number in `error_codes` names the Arca code.
 */
export async function servicePrincipalToken(
  where: { server: string; ca: string; tenantId: string; language: Language },
  credentials: { clientId: string; clientSecret: string },
  now: Date,
): Promise<ServicePrincipalToken> {
  const url = new URL(`/${encodeURIComponent(where.tenantId)}/oauth2/v2.0/token`, where.server);
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    scope: 'https://management.azure.com/.default',
  }).toString();
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(url, { method: 'POST', ca: where.ca, headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': where.language } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: body }));
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(new ArcaError(error.code?.includes('CERT') ? 'CliServerCertificateRejected' : 'CliServerUnreachable', { url: url.origin, reason: `${error.code ?? 'error'}: ${error.message}` }, { cause: error })),
    );
    req.end(form);
  });
  let body: { access_token?: unknown; expires_in?: unknown; error_codes?: unknown; error_description?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // reported below as an answer we do not understand
  }
  if (status === 200 && typeof body.access_token === 'string') {
    const seconds = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    return { accessToken: body.access_token, expiresOn: new Date(now.getTime() + seconds * 1000).toISOString() };
  }
  const numeric = Array.isArray(body.error_codes) ? body.error_codes[0] : undefined;
  const entry = CATALOG.find((e) => e.numericCode === numeric);
  if (entry && typeof body.error_description === 'string') {
    const message = body.error_description.replace(/^ARCA\d+:\s*/, '');
    throw new RemoteArcaError(entry.code as CatalogCode, { language: where.language, message }, { status });
  }
  throw new ArcaError('CliUnexpectedResponse', { method: 'POST', path: url.pathname, status, what: 'no OAuth token or error' });
}
