import type { FastifyInstance } from 'fastify';
import { invalidArgument } from '../../core/errors/index.ts';
import { API_VERSIONS, armRoute, listBody, objectBody, pagingOf, stringField, type ArmDeps } from '../arm/index.ts';
import { createPrincipal, getPrincipal, pagePrincipals, PRINCIPAL_TYPES, revokePrincipal, USER_ROLES, type PrincipalType, type UserRole } from '../auth/index.ts';
import { tokenEndpointPath } from './token-endpoint.ts';

type One = { principalId: string };

const BASE = '/arca/principals';
const ONE = `${BASE}/:principalId`;
const MAX_TOKEN_DAYS = 3650;

const CREATE_BODY = {
  type: 'object',
  required: ['name', 'type', 'role'],
  properties: {
    name: { type: 'string', maxLength: 200 },
    type: { type: 'string', enum: PRINCIPAL_TYPES },
    role: { type: 'string', enum: USER_ROLES },
    tokenExpiresInDays: { type: 'integer', minimum: 1, maximum: MAX_TOKEN_DAYS, description: 'Users only; without it the token lasts until revoked.' },
  },
};

/** Users and service principals: who may sign in, with which role. Owner only (`administer`). */
export function registerPrincipalRoutes(app: FastifyInstance, deps: ArmDeps): void {
  const apiVersions = API_VERSIONS.arca;

  armRoute<Record<string, string>>(app, deps, {
    method: 'POST',
    url: BASE,
    action: 'administer',
    apiVersions,
    summary: 'Create a user (answers its bearer token once) or a service principal (answers its client id and secret once)',
    requestBody: CREATE_BODY,
    responses: { '201': 'Created; the credential in this answer is never shown again' },
    handler: async (request) => {
      const body = objectBody(request.body);
      const days = body.tokenExpiresInDays;
      if (days !== undefined && !(Number.isInteger(days) && (days as number) >= 1 && (days as number) <= MAX_TOKEN_DAYS)) {
        throw invalidArgument('tokenExpiresInDays', `expected a whole number from 1 to ${MAX_TOKEN_DAYS}`);
      }
      const created = await createPrincipal(deps.store, {
        name: stringField(body, 'name', 'name', { required: true, max: 200 }) as string,
        type: stringField(body, 'type', 'type', { required: true, max: 40 }) as PrincipalType,
        role: stringField(body, 'role', 'role', { required: true, max: 40 }) as UserRole,
        createdBy: request.principal.name,
        now: request.now,
        ...(days === undefined ? {} : { tokenExpiresAt: new Date(request.now.getTime() + (days as number) * 86_400_000) }),
      });
      if ('clientSecret' in created) {
        const tenantId = deps.installation.tenantId;
        return { status: 201, body: { ...created, tenantId, tokenEndpoint: `${request.origin}${tokenEndpointPath(tenantId)}` } };
      }
      const { token, ...principal } = created;
      return { status: 201, body: { ...principal, token: token.secret, tokenId: token.id, ...(token.expires ? { tokenExpires: token.expires } : {}) } };
    },
  });

  armRoute<Record<string, string>>(app, deps, {
    method: 'GET',
    url: BASE,
    action: 'administer',
    apiVersions,
    summary: 'List users and service principals, revoked ones included',
    handler: async (request) => ({ status: 200, body: listBody(request, await pagePrincipals(deps.store, pagingOf(request)), (r) => r.data) }),
  });

  armRoute<One>(app, deps, {
    method: 'GET',
    url: ONE,
    action: 'administer',
    apiVersions,
    summary: 'Get a user or service principal',
    handler: async (request) => ({ status: 200, body: await getPrincipal(deps.store, request.params.principalId) }),
  });

  armRoute<One>(app, deps, {
    method: 'DELETE',
    url: ONE,
    action: 'administer',
    apiVersions,
    summary: 'Revoke a user or service principal and every token issued to it',
    responses: { '200': 'Revoked (revoking again keeps the first time)', '204': 'There was no such principal' },
    handler: async (request) => {
      const revoked = await revokePrincipal(deps.store, request.params.principalId, request.now);
      return revoked === undefined ? { status: 204 } : { status: 200, body: revoked };
    },
  });
}
