import type { AgentStatus } from '../../core/states/index.ts';

/** How long the vault waits for a report before it calls an agent Unresponsive (ADR 5: 10 minutes by default). */
export const DEFAULT_AGENT_UNRESPONSIVE_MS = 10 * 60_000;

/**
 * The agent's status as the vault sees it at `now`: an agent that once reported (Ready or
 * NotReady) but has been silent longer than `windowMs` is Unresponsive. Computed on read, so no
 * sweep has to run for the verdict to be right; the stored status changes with the next report.
 */
export function agentStatusAt(agent: { readonly status: AgentStatus; readonly lastReport?: string }, now: Date, windowMs: number): AgentStatus {
  if (agent.status !== 'Ready' && agent.status !== 'NotReady') return agent.status;
  const last = agent.lastReport === undefined ? Number.NaN : Date.parse(agent.lastReport);
  if (Number.isNaN(last)) return agent.status;
  return now.getTime() - last > windowMs ? 'Unresponsive' : agent.status;
}

/** The runtime with its agent status drawn at `now`, for views of the machine. */
export function withAgentLiveness<R extends { readonly agent: { readonly status: AgentStatus; readonly lastReport?: string } }>(runtime: R, now: Date, windowMs: number): R {
  const status = agentStatusAt(runtime.agent, now, windowMs);
  return status === runtime.agent.status ? runtime : { ...runtime, agent: { ...runtime.agent, status } };
}
