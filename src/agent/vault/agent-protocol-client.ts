import type { Agent } from 'node:https';
import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import {
  AGENT_API_VERSION,
  AGENT_PATHS,
  parseGoalState,
  parseRegistrationResponse,
  type GoalState,
  type RegistrationRequest,
  type RegistrationResponse,
  type StatusReport,
} from '../../protocol/index.ts';
import { httpsAgentFor, refusal, vaultDownload, vaultRequest, type VaultEndpoint, type VaultResponse } from './vault-client.ts';

/** The agent's side of the agent protocol (src/protocol): register once, then pull goal states and report status. */
export class AgentProtocolClient {
  readonly endpoint: VaultEndpoint;
  readonly #agent: Agent;
  readonly #token: string | undefined;
  readonly #machineId: string;

  constructor(endpoint: VaultEndpoint, machineId: string, token?: string) {
    this.endpoint = endpoint;
    this.#agent = httpsAgentFor(endpoint);
    this.#token = token;
    this.#machineId = machineId;
  }

  private async call(operation: string, method: string, path: string, body: unknown, signal: AbortSignal | undefined, expected: number): Promise<VaultResponse> {
    const response = await vaultRequest(this.endpoint, this.#agent, {
      method,
      path: `${path}?api-version=${AGENT_API_VERSION}`,
      headers: this.#token === undefined ? {} : { authorization: `Bearer ${this.#token}` },
      body,
      machine: this.#machineId,
      ...(signal ? { signal } : {}),
    });
    if (response.status !== expected) throw refusal(operation, response);
    return response;
  }

  private json(operation: string, response: VaultResponse): unknown {
    try {
      return JSON.parse(response.body);
    } catch (error) {
      throw new ArcaError('AgentVaultRefused', { operation, status: response.status, code: 'unknown', reason: 'the answer is not JSON' }, { cause: error });
    }
  }

  async register(request: RegistrationRequest): Promise<RegistrationResponse> {
    const response = await this.call('registration', 'POST', AGENT_PATHS.register, request, undefined, 200);
    return withOperation('registration', () => parseRegistrationResponse(this.json('registration', response)));
  }

  /** The goal state; a malformed field it can do without (the agent update on offer) is dropped and passed to `onDropped`. */
  async goalState(signal?: AbortSignal, onDropped?: (field: string, reason: string) => void): Promise<GoalState> {
    const response = await this.call('goal state', 'GET', AGENT_PATHS.goalState(this.#machineId), undefined, signal, 200);
    return withOperation('goal state', () => parseGoalState(this.json('goal state', response), onDropped));
  }

  async reportStatus(report: StatusReport, signal?: AbortSignal): Promise<void> {
    await this.call('status report', 'PUT', AGENT_PATHS.status(this.#machineId), report, signal, 200);
  }

  /** An agent package of the vault's (ADR 7), at most `maxBytes`; its checks are the caller's. */
  async downloadAgentPackage(version: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array> {
    const response = await vaultDownload(this.endpoint, this.#agent, {
      path: `${AGENT_PATHS.agentPackage(this.#machineId, version)}?api-version=${AGENT_API_VERSION}`,
      headers: this.#token === undefined ? {} : { authorization: `Bearer ${this.#token}` },
      maxBytes,
      machine: this.#machineId,
      ...(signal ? { signal } : {}),
    });
    if (response.status !== 200) throw refusal('agent package download', { status: response.status, body: response.body.toString('utf8', 0, 2000), peerChain: [] });
    return response.body;
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** A malformed answer from the vault is the vault's fault, said as such, not as the agent's bad request. */
function withOperation<T>(operation: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (isArcaError(error) && error.code === 'InvalidRequestContent') {
      throw new ArcaError('AgentVaultRefused', { operation, status: 200, code: 'InvalidRequestContent', reason: `the answer does not follow the protocol: ${String(error.params.reason)}` });
    }
    throw error;
  }
}
