import { ArcaError, isArcaError, type CatalogCode, type Language } from '../../core/errors/index.ts';

/** Azure AD's error body: OAuth's `error` and `error_description`, plus numeric codes and ids to quote. */
export interface OAuthErrorBody {
  readonly error: string;
  readonly error_description: string;
  readonly error_codes: readonly number[];
  readonly timestamp: string;
  readonly trace_id: string;
  readonly correlation_id: string;
}

/** OAuth's error names (RFC 6749 §5.2) for the catalog codes the token endpoint raises. */
const OAUTH_ERRORS: Partial<Record<CatalogCode, string>> = {
  InvalidClientCredentials: 'invalid_client',
  TenantNotFound: 'invalid_request',
  InvalidTokenRequest: 'invalid_request',
  TooManySignInAttempts: 'temporarily_unavailable',
  ServiceUnavailable: 'temporarily_unavailable',
};

/**
 * Renders anything the token endpoint throws as Azure AD does: no ARM envelope. The description
 * starts with the catalog number (`ARCA771100: …`) as AAD's start with `AADSTS…`, and never holds
 * the secret or says which of client id and secret was wrong.
 */
export function oauthError(thrown: unknown, language: Language, requestId: string, now: Date): { status: number; body: OAuthErrorBody } {
  const error = isArcaError(thrown) ? thrown : fromFramework(thrown, requestId);
  const rendered = error.render(language);
  const name = error.code === 'InvalidTokenRequest' && /grant/.test(String(error.params.reason)) ? 'unsupported_grant_type' : (OAUTH_ERRORS[error.code] ?? 'server_error');
  const status = error.code === 'InvalidTokenRequest' ? badRequestStatus(thrown) : error.httpStatus;
  return {
    status,
    body: {
      error: name,
      error_description: `ARCA${rendered.numericCode}: ${rendered.message}`,
      error_codes: [rendered.numericCode],
      timestamp: now.toISOString(),
      trace_id: requestId,
      correlation_id: requestId,
    },
  };
}

/** Fastify's own refusals (body too large, wrong media type) are the client's; anything else is ours. */
function fromFramework(thrown: unknown, requestId: string): ArcaError {
  const status = (thrown as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ArcaError('InvalidTokenRequest', { reason: `the body cannot be read (${status === 413 ? 'it is too large' : 'expected application/x-www-form-urlencoded'})` });
  }
  return new ArcaError('ArcaInternalError', { operation: 'issuing a token', reference: requestId }, { cause: thrown });
}

function badRequestStatus(thrown: unknown): number {
  const status = (thrown as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 400;
}
