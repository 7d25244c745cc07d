import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { AGENT_API_VERSION, AGENT_PATHS, parseRegistrationRequest, parseStatusReport, type GoalState } from '../../protocol/index.ts';
import { armRoute, recordAudit, type ArmDeps } from '../arm/index.ts';
import type { AgentPackageStore } from '../agent-packages/agent-package-store.ts';
import type { MetadataStore } from '../persistence/index.ts';
import type { AgentTaskNotifier } from './agent-task-notifier.ts';
import { readGoalState } from './goal-state.ts';
import { vmOfMachine } from './machine-lookup.ts';
import { registerAgent } from './registration.ts';
import { applyStatusReport } from './status-report.ts';

export interface AgentRouteDeps {
  readonly notifier: AgentTaskNotifier;
  /** Agent packages (ADR 7): the goal state offers the newest when it is newer than the machine's agent. */
  readonly packages?: AgentPackageStore;
}

/** Logs a failing agent offer once until it works again, so that every goal state does not repeat it. */
export class OfferFailures {
  #failing = false;

  failed(log: { error(fields: object, message: string): void }, error: unknown): void {
    if (this.#failing) return;
    this.#failing = true;
    log.error({ err: error }, 'no agent update offered: the agent packages cannot be read or built');
  }

  worked(): void {
    this.#failing = false;
  }
}

/**
 * The agent part of the goal state: the newer agent on offer, if any, and the minimum the vault
 * supports. The offer is optional: when the packages fail (the vault's own cannot be built, say),
 * the goal state goes without it rather than failing for every agent.
 */
export async function agentOffer(
  packages: AgentPackageStore | undefined,
  reported: string | undefined,
  minimum: string | undefined,
  failures: { failures: OfferFailures; log: { error(fields: object, message: string): void } },
): Promise<Pick<GoalState, 'agentUpdate' | 'minimumAgentVersion'>> {
  let newest: Awaited<ReturnType<AgentPackageStore['offerFor']>>;
  try {
    newest = packages && reported !== undefined ? await packages.offerFor(reported) : undefined;
    failures.failures.worked();
  } catch (error) {
    failures.failures.failed(failures.log, error);
    newest = undefined;
  }
  const offer = newest ? { agentUpdate: { version: newest.version, sha256: newest.sha256, sizeBytes: newest.sizeBytes } } : {};
  return { ...offer, ...(minimum === undefined ? {} : { minimumAgentVersion: minimum }) };
}

type MachineParams = { machineId: string };

function checkAgentApiVersion(request: FastifyRequest): void {
  const asked = (request.query as Record<string, string | undefined>)['api-version'];
  if (asked === undefined || asked === '') throw new ArcaError('MissingApiVersionParameter', { supported: AGENT_API_VERSION });
  if (asked !== AGENT_API_VERSION) throw new ArcaError('InvalidApiVersionParameter', { apiVersion: asked.slice(0, 40), supported: AGENT_API_VERSION });
}

/**
 * Registration carries no bearer token (the one-time registration token in the body is the
 * credential), so it is a plain route, audited here, and left out of the OpenAPI walk of roles.
 */
function registerRegistrationRoute(app: FastifyInstance, store: MetadataStore, deps: ArmDeps): void {
  app.post(AGENT_PATHS.register, async (request, reply) => {
    const now = deps.clock.now();
    let actor = { name: 'agent registration', role: 'Agent' };
    let outcome: { status: number; code?: string } = { status: 500, code: 'ArcaInternalError' };
    try {
      checkAgentApiVersion(request);
      const asked = parseRegistrationRequest(request.body);
      actor = { name: `agent ${asked.machineId}`, role: 'Agent' };
      const registered = await registerAgent(store, asked, now);
      outcome = { status: 200 };
      return reply.status(200).send(registered);
    } catch (error) {
      outcome = isArcaError(error) ? { status: error.httpStatus, code: error.code } : outcome;
      throw error;
    } finally {
      const path = request.url.split('?')[0] ?? request.url;
      await recordAudit(store, { time: now, principal: actor, method: 'POST', path, requestId: request.id, ...outcome }).catch((error: unknown) =>
        request.log.error({ err: error }, 'audit record not written'),
      );
    }
  });
}

/** The agent protocol (src/protocol/agent-protocol.ts): registration, goal state, status report. */
export function registerAgentRoutes(app: FastifyInstance, deps: ArmDeps, agents: AgentRouteDeps): void {
  registerRegistrationRoute(app, deps.store, deps);
  const apiVersions = [AGENT_API_VERSION];
  const target = (params: MachineParams) => ({ machineId: params.machineId });
  const offerFailures = new OfferFailures();

  armRoute<MachineParams>(app, deps, {
    method: 'GET',
    url: '/arca/agent/machines/:machineId/goalstate',
    action: 'agent',
    target,
    apiVersions,
    summary: "The machine's goal state: the snapshot extension with its tasks, and instant points whose files to remove (its own machine only)",
    handler: async (request) => {
      const vm = await vmOfMachine(deps.store, request.params.machineId);
      const offer = await agentOffer(agents.packages, vm.data.runtime.agent.version, deps.minimumAgentVersion, { failures: offerFailures, log: app.log });
      const goal: GoalState = await readGoalState(deps.store, { id: vm.data.id, machineId: vm.data.properties.vmId }, request.now, offer);
      return { status: 200, body: goal };
    },
  });

  armRoute<MachineParams>(app, deps, {
    method: 'PUT',
    url: '/arca/agent/machines/:machineId/status',
    action: 'agent',
    target,
    apiVersions,
    summary: "Report the machine's agent status, its extensions' and its tasks' (its own machine only)",
    requestBody: { type: 'object', required: ['agent'], properties: { goalStateIncarnation: { type: 'integer' }, agent: { type: 'object' }, extensions: { type: 'array' }, tasks: { type: 'array' } } },
    handler: async (request) => {
      const report = parseStatusReport(request.body);
      const vm = await vmOfMachine(deps.store, request.params.machineId);
      await applyStatusReport(deps.store, vm.data, report, request.now, agents.notifier);
      return { status: 200, body: { received: request.now.toISOString() } };
    },
  });
}
