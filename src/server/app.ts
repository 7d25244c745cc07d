import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Clock } from '../core/clock.ts';
import { ArcaError } from '../core/errors/index.ts';
import { registerAccessRoutes } from './access/index.ts';
import { languageOf, renderArmError, toArcaError } from './api/arm-error.ts';
import { registerErrorRoutes } from './api/errors-routes.ts';
import { registerHealthRoutes } from './api/health-routes.ts';
import { registerMetrics } from './api/metrics.ts';
import { registerWhoamiRoutes } from './api/whoami-routes.ts';
import { ArmRouteRegistry, type ArmDeps, type Installation } from './arm/index.ts';
import { AgentTaskNotifier, DEFAULT_AGENT_UNRESPONSIVE_MS, registerAgentRoutes, registerRestoreReadRoutes, registerUploadChannelRoutes, type UploadChannelDeps } from './agents/index.ts';
import { registerAgentPackageRoutes, type AgentPackageStore } from './agent-packages/index.ts';
import { registerBackupRoutes } from './backup/index.ts';
import { registerBackupFlowRoutes } from './backup-flow/index.ts';
import { registerRecoveryPointRoutes, registerRestorePointCollectionRoutes } from './points/index.ts';
import { registerRestoreRoutes } from './restore/index.ts';
import { registerJobRoutes } from './jobs/index.ts';
import type { MetadataStore } from './persistence/index.ts';
import { registerResourceRoutes } from './resources/index.ts';
import { registerResourceGroupRoutes } from './resources/resource-groups.ts';

export interface AppDeps {
  readonly clock: Clock;
  /** Where tokens (and, as the control plane grows, everything else) are kept. */
  readonly store: MetadataStore;
  readonly version: string;
  readonly installation: Installation;
  /** Seconds the server suggests between polls of a running operation (default 2). */
  readonly retryAfterSeconds?: number;
  readonly https?: { key: string; cert: string };
  readonly logger?: FastifyServerOptions['logger'];
  /** The process's job engine, for jobs that routes run at once (ArmDeps.jobs). */
  readonly jobs?: { runImmediate(): Promise<void> };
  /** The agent protocol's in-process parts: who waits on agent tasks, and when a silent agent is Unresponsive. */
  readonly agents?: {
    readonly notifier: AgentTaskNotifier;
    readonly unresponsiveMs: number;
    /** The oldest agent version the vault supports (ADR 7). */
    readonly minimumVersion?: string;
    /** Agent packages for updates (ADR 7); absent, none are offered or published. */
    readonly packages?: AgentPackageStore;
  };
  /** SHA-256 fingerprint of the server's CA (ArmDeps.caFingerprint). */
  readonly caFingerprint?: string;
  /** The vault's repository, for the upload channel through which extensions write backups (ADR 5); absent, no channel. */
  readonly uploadChannel?: UploadChannelDeps;
}

/** Builds the HTTP application; listening, TLS files and signals belong to the composition root. */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    logger: deps.logger ?? false,
    ...(deps.https ? { https: deps.https } : {}),
    // The server's own id for every request: a client's x-ms-client-request-id is not trusted as a
    // log key or error reference (it could be forged, or collide).
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // ARM paths match without regard to case (`resourceGroups` = `resourcegroups`); names inside
    // them keep their case. Item names such as `VM;iaasvmcontainerv2;rg;vm` are long and hold `;`.
    routerOptions: { caseSensitive: false, maxParamLength: 600 },
  }) as unknown as FastifyInstance;

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-ms-request-id', request.id);
  });

  // Scripts send `Content-Type: application/json` on body-less DELETEs and POSTs too: an empty body
  // is no body, not malformed JSON. Anything else goes to Fastify's own parser, poisoning checks included.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, String(body), done);
  });

  app.setErrorHandler((thrown, request, reply) => {
    const validation = (thrown as { validation?: unknown }).validation;
    // Fastify's own body-parsing refusals (malformed JSON, unknown content type, too large) are the client's fault.
    const unreadableBody = String((thrown as { code?: unknown }).code).startsWith('FST_ERR_CTP_');
    const error = validation
      ? new ArcaError('UserErrorInvalidArgument', { name: 'request', reason: (thrown as Error).message })
      : unreadableBody
        ? new ArcaError('InvalidRequestContent', { reason: (thrown as Error).message })
        : toArcaError(thrown, `${request.method} ${request.url}`, request.id);
    if (error.code === 'ArcaInternalError') request.log.error({ err: error.cause ?? thrown }, 'internal error');
    reply.status(error.httpStatus).send(renderArmError(error, languageOf(request.headers)));
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new ArcaError('ResourceNotFound', { resourceId: request.url.split('?')[0] ?? request.url });
    reply.status(error.httpStatus).send(renderArmError(error, languageOf(request.headers)));
  });

  registerMetrics(app);
  registerHealthRoutes(app, { clock: deps.clock, version: deps.version, startedAt: deps.clock.now() });
  registerErrorRoutes(app);
  registerWhoamiRoutes(app, { store: deps.store, clock: deps.clock, installation: deps.installation });

  const registry = new ArmRouteRegistry();
  const arm: ArmDeps = { store: deps.store, clock: deps.clock, installation: deps.installation, retryAfterSeconds: deps.retryAfterSeconds ?? 2, registry, ...(deps.jobs ? { jobs: deps.jobs } : {}), agentUnresponsiveMs: deps.agents?.unresponsiveMs ?? DEFAULT_AGENT_UNRESPONSIVE_MS, ...(deps.caFingerprint ? { caFingerprint: deps.caFingerprint } : {}), ...(deps.agents?.minimumVersion ? { minimumAgentVersion: deps.agents.minimumVersion } : {}) };
  registerResourceGroupRoutes(app, arm);
  registerResourceRoutes(app, arm);
  registerJobRoutes(app, arm);
  registerBackupRoutes(app, arm);
  registerBackupFlowRoutes(app, arm);
  registerRecoveryPointRoutes(app, arm);
  registerRestorePointCollectionRoutes(app, arm);
  registerRestoreRoutes(app, arm);
  registerAgentRoutes(app, arm, { notifier: deps.agents?.notifier ?? new AgentTaskNotifier(), ...(deps.agents?.packages ? { packages: deps.agents.packages } : {}) });
  if (deps.agents?.packages) registerAgentPackageRoutes(app, arm, deps.agents.packages);
  if (deps.uploadChannel) registerUploadChannelRoutes(app, arm, deps.uploadChannel);
  // Reading a machine's own point back for a restore over its disks from the vault tier.
  if (deps.uploadChannel) registerRestoreReadRoutes(app, arm, deps.uploadChannel);
  registerAccessRoutes(app, arm);
  // Public like the error catalog: it describes the API, not anybody's data.
  app.get('/arca/openapi.json', async () => registry.document(deps.version));
  return app;
}
