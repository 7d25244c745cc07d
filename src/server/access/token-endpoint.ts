import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { languageOf } from '../api/arm-error.ts';
import { recordAudit, type ArmDeps, type AuditActor } from '../arm/index.ts';
import { ACCESS_TOKEN_LIFETIME_MS, principalForClientId, signInWithClientSecret, SignInThrottle } from '../auth/index.ts';
import { oauthError } from './oauth-error.ts';

/** Form bodies are small: four short fields. */
const FORM_BODY_LIMIT = 4096;
const FORM = 'application/x-www-form-urlencoded';

/** Where service principals get tokens, as Azure AD's v2.0 endpoint for the tenant. */
export function tokenEndpointPath(tenantId: string): string {
  return `/${tenantId}/oauth2/v2.0/token`;
}

/**
 * Azure AD's token endpoint for the client-credentials grant, at `/{tenant}/oauth2/v2.0/token` and
 * the older `/{tenant}/oauth2/token`. It answers OAuth's shapes, not ARM's, and its form body (which
 * holds the client secret) is parsed here only: other routes keep refusing form bodies, and nothing
 * here logs or stores a body. Sign-ins of known clients, granted or refused, go to the audit log.
 */
export function registerTokenEndpoint(app: FastifyInstance, deps: ArmDeps): void {
  const throttle = new SignInThrottle();
  // An encapsulated scope: the form parser and the OAuth error rendering apply to these routes only.
  void app.register(async (scope) => {
    scope.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
      done(null, new URLSearchParams(body as string));
    });
    scope.setErrorHandler((thrown, request, reply) => {
      if (!isArcaError(thrown) && !isClientError(thrown)) request.log.error({ err: thrown }, 'token endpoint failed');
      const { status, body } = oauthError(thrown, languageOf(request.headers), request.id, deps.clock.now());
      const retryAfter = isArcaError(thrown) ? thrown.params.retryAfter : undefined;
      if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache').status(status).send(body);
    });
    for (const version of ['v2', 'v1'] as const) {
      scope.post(version === 'v2' ? '/:tenantId/oauth2/v2.0/token' : '/:tenantId/oauth2/token', (request, reply) => issue(request, reply, version));
    }
  });

  async function issue(request: FastifyRequest, reply: FastifyReply, version: 'v1' | 'v2'): Promise<unknown> {
    const now = deps.clock.now();
    const tenantId = (request.params as { tenantId: string }).tenantId;
    if (tenantId.toLowerCase() !== deps.installation.tenantId.toLowerCase()) throw new ArcaError('TenantNotFound', { tenantId: tenantId.slice(0, 64) });
    const form = formOf(request);
    const grantType = single(form, 'grant_type');
    if (grantType !== 'client_credentials') throw badRequest(grantType === undefined ? 'grant_type is missing' : 'only the client_credentials grant is supported');
    const clientId = single(form, 'client_id');
    const clientSecret = single(form, 'client_secret');
    if (clientId === undefined || clientId === '') throw badRequest('client_id is missing');
    if (clientSecret === undefined || clientSecret === '') throw badRequest('client_secret is missing');
    const key = clientId.toLowerCase().slice(0, 64);
    const retryAfter = throttle.retryAfterSeconds(key, now);
    if (retryAfter !== undefined) throw new ArcaError('TooManySignInAttempts', { retryAfter });
    const path = request.url.split('?')[0] ?? request.url;
    let signedIn;
    try {
      signedIn = await signInWithClientSecret(deps.store, { clientId, clientSecret, now });
    } catch (error) {
      if (isArcaError(error) && error.code === 'InvalidClientCredentials') {
        throttle.recordFailure(key, now);
        await auditSignIn(request, path, now, await principalForClientId(deps.store, clientId), error);
      }
      throw error;
    }
    const { token, principalId } = signedIn;
    await auditSignIn(request, path, now, { id: principalId, name: token.name, role: token.role, tokenId: token.id });
    const seconds = ACCESS_TOKEN_LIFETIME_MS / 1000;
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const body = { token_type: 'Bearer', expires_in: seconds, ext_expires_in: seconds, access_token: token.secret };
    if (version === 'v2') return body;
    // The v1 endpoint also says when the token expires and for which resource it was asked.
    const resource = single(form, 'resource');
    return { ...body, expires_on: String(Math.floor(now.getTime() / 1000) + seconds), not_before: String(Math.floor(now.getTime() / 1000)), ...(resource ? { resource } : {}) };
  }

  /** Unknown clients are not recorded: anyone can invent ids, and the log must not fill with them. */
  async function auditSignIn(
    request: FastifyRequest,
    path: string,
    now: Date,
    who: { id: string; name: string; role: string; tokenId?: string } | undefined,
    failure?: ArcaError,
  ): Promise<void> {
    if (who === undefined) return;
    const principal: AuditActor = { name: who.name, role: who.role, principalId: who.id, ...(who.tokenId ? { tokenId: who.tokenId } : {}) };
    const outcome = failure === undefined ? { status: 200 } : { status: failure.httpStatus, code: failure.code };
    await recordAudit(deps.store, { time: now, principal, method: 'POST', path, requestId: request.id, ...outcome }).catch((error: unknown) =>
      request.log.error({ err: error }, 'audit record not written'),
    );
  }
}

function formOf(request: FastifyRequest): URLSearchParams {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== FORM || !(request.body instanceof URLSearchParams)) throw badRequest(`the body must be ${FORM}`);
  return request.body;
}

/** OAuth forbids repeating a parameter; a repeated one is refused rather than guessed at. */
function single(form: URLSearchParams, name: string): string | undefined {
  const values = form.getAll(name);
  if (values.length > 1) throw badRequest(`${name} is given more than once`);
  return values[0];
}

function badRequest(reason: string): ArcaError {
  return new ArcaError('InvalidTokenRequest', { reason });
}

function isClientError(thrown: unknown): boolean {
  const status = (thrown as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}
