import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { AGENT_PACKAGE_LIMITS, requireAgentVersion } from '../../platform/agent-package.ts';
import { AGENT_API_VERSION } from '../../protocol/index.ts';
import { API_VERSIONS, armRoute, recordAudit, type ArmDeps } from '../arm/index.ts';
import { authenticate, authorize } from '../auth/index.ts';
import type { AgentPackageStore } from './agent-package-store.ts';

export const PACKAGE_CONTENT_TYPES = ['application/gzip', 'application/x-gzip', 'application/octet-stream'] as const;

/** Reads a package body up to the limit; a larger one is refused as it arrives, not after. */
async function readBody(request: FastifyRequest, payload: AsyncIterable<Buffer>): Promise<Buffer> {
  const version = String((request.params as { version?: string }).version ?? '').slice(0, 60);
  const limit = AGENT_PACKAGE_LIMITS.maxPackedBytes;
  if (Number(request.headers['content-length'] ?? 0) > limit) throw new ArcaError('AgentPackageTooLarge', { version, limit, what: 'packed' });
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of payload) {
    size += part.length;
    if (size > limit) throw new ArcaError('AgentPackageTooLarge', { version, limit, what: 'packed' });
    parts.push(part);
  }
  return Buffer.concat(parts);
}

/**
 * Agent packages (ADR 7). Owners publish and list them (`administer`); an agent downloads one for
 * its own machine only, over the channel whose CA it pinned. A publication's body is read only
 * after its caller was found to be an Owner, so nobody else can make the vault buffer 64 MiB.
 */
export function registerAgentPackageRoutes(app: FastifyInstance, deps: ArmDeps, packages: AgentPackageStore): void {
  const apiVersions = API_VERSIONS.arca;

  app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      if (request.method !== 'PUT') return;
      const now = deps.clock.now();
      const principal = await authenticate(request.headers.authorization, deps.store, now);
      try {
        authorize(principal, 'administer');
      } catch (error) {
        // Refused changes are audited, as armRoute audits them.
        const outcome = isArcaError(error) ? { status: error.httpStatus, code: error.code } : { status: 500, code: 'ArcaInternalError' };
        const path = request.url.split('?')[0] ?? request.url;
        await recordAudit(deps.store, { time: now, principal, method: 'PUT', path, requestId: request.id, ...outcome }).catch((failure: unknown) => request.log.error({ err: failure }, 'audit record not written'));
        throw error;
      }
    });
    scope.addContentTypeParser([...PACKAGE_CONTENT_TYPES], (request, payload, done) => {
      readBody(request, payload as unknown as AsyncIterable<Buffer>).then((body) => done(null, body), (error: Error) => done(error, undefined));
    });
    armRoute<{ version: string }>(scope, deps, {
      method: 'PUT',
      url: '/arca/agentPackages/:version',
      action: 'administer',
      apiVersions,
      summary: 'Publish an agent package (a gzip\'d tar of package.json, bin/ and src/ of that version); a published version never changes',
      requestBody: { type: 'string', format: 'binary', description: `Content-Type ${PACKAGE_CONTENT_TYPES.join(' | ')}; at most ${AGENT_PACKAGE_LIMITS.maxPackedBytes} bytes` },
      responses: { '201': 'Published', '200': 'The same package was already published' },
      handler: async (request) => {
        const version = requireAgentVersion(request.params.version);
        if (!Buffer.isBuffer(request.body)) throw new ArcaError('AgentPackageInvalid', { version, reason: `send the archive as the body with Content-Type ${PACKAGE_CONTENT_TYPES[0]}` });
        const { info, created } = await packages.publish(version, request.body);
        return { status: created ? 201 : 200, body: info };
      },
    });
  });

  armRoute<Record<string, string>>(app, deps, {
    method: 'GET',
    url: '/arca/agentPackages',
    action: 'administer',
    apiVersions,
    summary: 'The agent packages the vault offers, newest first (its own version always among them), and the minimum agent version it supports',
    handler: async () => {
      const value = await packages.list();
      return { status: 200, body: { value, newest: value[0]?.version ?? null, minimumAgentVersion: deps.minimumAgentVersion ?? null } };
    },
  });

  armRoute<{ machineId: string; version: string }>(app, deps, {
    method: 'GET',
    url: '/arca/agent/machines/:machineId/agentPackages/:version',
    action: 'agent',
    target: (params) => ({ machineId: params.machineId }),
    apiVersions: [AGENT_API_VERSION],
    summary: 'Download an agent package (its own machine only); the goal state names the version and its SHA-256',
    handler: async (request) => {
      const version = requireAgentVersion(request.params.version);
      const info = await packages.find(version);
      if (!info) throw new ArcaError('AgentPackageNotFound', { version });
      const body = await packages.read(version);
      return { status: 200, body, headers: { 'content-type': 'application/gzip', 'x-arca-sha256': info.sha256, 'cache-control': 'no-store' } };
    },
  });
}
