import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../core/clock.ts';
import { ArcaError, isArcaError, type Language } from '../../core/errors/index.ts';
import { languageOf } from '../api/arm-error.ts';
import { authenticate, authorize, type Action, type Principal, type Target } from '../auth/index.ts';
import type { MetadataStore } from '../persistence/index.ts';
import { recordAudit } from './audit.ts';
import type { Installation } from './installation.ts';
import type { ArmRouteRegistry } from './openapi.ts';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export interface ArmDeps {
  readonly store: MetadataStore;
  readonly clock: Clock;
  readonly installation: Installation;
  /** The Retry-After the server suggests while an operation runs, in seconds (ARM's default is about 10–60). */
  readonly retryAfterSeconds: number;
  readonly registry: ArmRouteRegistry;
  /** Runs queued jobs that finish at once (protection changes) before the route answers; absent without a job engine. */
  readonly jobs?: { runImmediate(): Promise<void> };
  /** How long an agent may stay silent before views show it Unresponsive (agents/agent-liveness.ts). */
  readonly agentUnresponsiveMs?: number;
  /** SHA-256 of the server's CA, handed out with registration tokens so that agents can pin it. */
  readonly caFingerprint?: string;
  /** The oldest agent version the vault supports (`--agent-min-version`); older agents are flagged UserErrorGuestAgentOutdated. */
  readonly minimumAgentVersion?: string;
}

export interface ArmRequest<P = Record<string, string>> {
  readonly params: P;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  readonly principal: Principal;
  readonly now: Date;
  readonly language: Language;
  readonly requestId: string;
  /** `https://host:port` as the client reached the server, for links in responses. */
  readonly origin: string;
  /** The path as requested, without the query. */
  readonly path: string;
  readonly apiVersion: string;
}

export interface ArmResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ArmRouteSpec<P> {
  readonly method: HttpMethod;
  /** Fastify pattern, e.g. `/subscriptions/:subscriptionId/resourcegroups/:resourceGroupName`; matched without regard to case. */
  readonly url: string;
  /** The role permission the call needs (see auth/roles.ts). */
  readonly action: Action;
  readonly apiVersions: readonly string[];
  /** One line for the OpenAPI document. */
  readonly summary: string;
  /** What the call acts on, where that narrows who may call it (agents). */
  readonly target?: (params: P) => Target;
  /** Schemas for the OpenAPI document; the handler still validates its input itself. */
  readonly requestBody?: object;
  readonly responses?: Readonly<Record<string, string>>;
  readonly handler: (request: ArmRequest<P>) => Promise<ArmResponse>;
}

/** Answers a path under another subscription as ARM does: it does not exist here. */
function checkSubscription(params: Record<string, string>, installation: Installation): void {
  const asked = params.subscriptionId;
  if (asked !== undefined && asked.toLowerCase() !== installation.subscriptionId.toLowerCase()) {
    throw new ArcaError('SubscriptionNotFound', { subscriptionId: asked });
  }
}

function checkApiVersion(query: Record<string, string | undefined>, supported: readonly string[]): string {
  const asked = query['api-version'];
  const list = supported.join(', ');
  if (asked === undefined || asked === '') throw new ArcaError('MissingApiVersionParameter', { supported: list });
  if (!supported.includes(asked)) throw new ArcaError('InvalidApiVersionParameter', { apiVersion: asked.slice(0, 40), supported: list });
  return asked;
}

function originOf(request: FastifyRequest): string {
  const host = request.headers.host;
  // A Host header is the client's own claim; links made from it only go back to that client.
  return `https://${host !== undefined && /^[A-Za-z0-9.:[\]-]{1,255}$/.test(host) ? host : request.hostname}`;
}

/**
 * Registers one ARM-shaped operation: authenticates the bearer token, checks the subscription and
 * api-version, authorizes the role, runs the handler, and records every change (any method but GET)
 * in the audit log, refused or not. Handlers return status, body and headers; errors they throw
 * reach the app's error handler, which renders ARM's envelope.
 */
export function armRoute<P extends Record<string, string>>(app: FastifyInstance, deps: ArmDeps, spec: ArmRouteSpec<P>): void {
  deps.registry.add(spec as ArmRouteSpec<unknown>);
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const now = deps.clock.now();
      const params = request.params as P;
      const query = request.query as Record<string, string | undefined>;
      const path = request.url.split('?')[0] ?? request.url;
      let principal: Principal | undefined;
      let response: ArmResponse | undefined;
      let failure: unknown;
      try {
        principal = await authenticate(request.headers.authorization, deps.store, now);
        checkSubscription(params, deps.installation);
        const apiVersion = checkApiVersion(query, spec.apiVersions);
        authorize(principal, spec.action, spec.target?.(params));
        response = await spec.handler({
          params,
          query,
          body: request.body,
          headers: request.headers,
          principal,
          now,
          language: languageOf(request.headers),
          requestId: request.id,
          origin: originOf(request),
          path,
          apiVersion,
        });
      } catch (error) {
        failure = error;
        throw error;
      } finally {
        if (spec.method !== 'GET' && principal !== undefined) {
          const outcome = response ? { status: response.status } : isArcaError(failure) ? { status: failure.httpStatus, code: failure.code } : { status: 500, code: 'ArcaInternalError' };
          await recordAudit(deps.store, { time: now, principal, method: spec.method, path, requestId: request.id, ...outcome }).catch((error: unknown) =>
            request.log.error({ err: error }, 'audit record not written'),
          );
        }
      }
      for (const [name, value] of Object.entries(response.headers ?? {})) reply.header(name, value);
      reply.status(response.status);
      return response.body === undefined ? reply.send() : reply.send(response.body);
    },
  });
}
