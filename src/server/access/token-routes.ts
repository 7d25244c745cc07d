import type { FastifyInstance } from 'fastify';
import { invalidArgument } from '../../core/errors/index.ts';
import { API_VERSIONS, armRoute, listBody, objectBody, pagingOf, stringField, type ArmDeps } from '../arm/index.ts';
import { createRegistrationToken, pageTokens, revokeToken } from '../auth/index.ts';

const MAX_REGISTRATION_MINUTES = 7 * 24 * 60;
const DEFAULT_REGISTRATION_MINUTES = 60;

/** Bearer tokens (list, revoke) and agents' one-time registration tokens (create). Owner only. */
export function registerTokenRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const apiVersions = API_VERSIONS.arca;

  armRoute<Record<string, string>>(app, deps, {
    method: 'GET',
    url: '/arca/tokens',
    action: 'administer',
    apiVersions,
    summary: 'List bearer tokens (never their secrets), revoked and expired ones included; `principalId` keeps one principal\'s',
    handler: async (request) => {
      const principalId = request.query.principalId;
      const page = await pageTokens(deps.store, { ...pagingOf(request), ...(principalId ? { principalId } : {}) });
      return { status: 200, body: listBody(request, page, (r) => r.data) };
    },
  });

  armRoute<{ tokenId: string }>(app, deps, {
    method: 'DELETE',
    url: '/arca/tokens/:tokenId',
    action: 'administer',
    apiVersions,
    summary: 'Revoke a bearer token',
    responses: { '200': 'Revoked', '204': 'There was no such token' },
    handler: async (request) => ((await revokeToken(deps.store, request.params.tokenId, request.now)) ? { status: 200 } : { status: 204 }),
  });

  armRoute<Record<string, string>>(app, deps, {
    method: 'POST',
    url: '/arca/registrationTokens',
    action: 'administer',
    apiVersions,
    summary: 'Create a one-time registration token with which the agent of one machine obtains its own credentials',
    requestBody: {
      type: 'object',
      required: ['machineId'],
      properties: {
        machineId: { type: 'string', maxLength: 64 },
        expiresInMinutes: { type: 'integer', minimum: 1, maximum: MAX_REGISTRATION_MINUTES, default: DEFAULT_REGISTRATION_MINUTES },
      },
    },
    responses: { '201': 'Created; the secret in this answer is never shown again' },
    handler: async (request) => {
      const body = objectBody(request.body);
      const machineId = stringField(body, 'machineId', 'machineId', { required: true, max: 64 }) as string;
      const minutes = body.expiresInMinutes ?? DEFAULT_REGISTRATION_MINUTES;
      if (!(Number.isInteger(minutes) && (minutes as number) >= 1 && (minutes as number) <= MAX_REGISTRATION_MINUTES)) {
        throw invalidArgument('expiresInMinutes', `expected a whole number from 1 to ${MAX_REGISTRATION_MINUTES}`);
      }
      const expiresAt = new Date(request.now.getTime() + (minutes as number) * 60_000);
      const created = await createRegistrationToken(deps.store, { machineId, expiresAt, now: request.now });
      // The agent pins the CA with this fingerprint when it registers (`arca agent register --ca-fingerprint`).
      const pin = deps.caFingerprint ? { caFingerprint: deps.caFingerprint } : {};
      return { status: 201, body: { id: created.id, machineId, expires: created.expires, secret: created.secret, ...pin } };
    },
  });
}
