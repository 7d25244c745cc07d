import assert from 'node:assert/strict';
import type { ArmTestClient } from './arm-client.ts';

export type AgentStatus = { code: string; displayStatus: string; message?: string; time?: string };
/** The `vmAgent` part of a machine's instance view: what the vault knows of its agent. */
export type AgentView = { vmAgentVersion: string; statuses: AgentStatus[] };

/**
 * Reads a machine's agent as the vault shows it, and waits (polling a bounded time: the vault
 * changes it when reports arrive) until it satisfies a condition. A timeout shows what the vault
 * showed last and the agent's log.
 */
export function agentViewOf(arm: () => ArmTestClient, vmId: () => string, agentLog: () => string, options: { timeoutMs?: number; intervalMs?: number } = {}) {
  const view = async (): Promise<AgentView> => (await arm().request('GET', `${vmId()}/instanceView`, { apiVersion: '2024-03-01' })).json<{ vmAgent: AgentView }>().vmAgent;
  const waitForView = async (until: (v: AgentView) => boolean, what: string): Promise<AgentView> => {
    const deadline = Date.now() + (options.timeoutMs ?? 20_000);
    for (;;) {
      const current = await view();
      if (until(current)) return current;
      assert.ok(Date.now() < deadline, `${what}; the vault shows ${JSON.stringify(current)}\nagent log:\n${agentLog()}`);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
    }
  };
  return { view, waitForView };
}
