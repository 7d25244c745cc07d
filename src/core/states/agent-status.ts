import { defineMachine } from './state-machine.ts';

/**
 * The guest agent's status as the vault sees it. `Ready` and `NotReady` are what the agent itself
 * reports (as waagent does); `NotInstalled` is a machine created by API whose agent has never
 * reported; `Unresponsive` is the vault's verdict when no report arrived within the window.
 * Nothing leads back to `NotInstalled`: once an agent has spoken, silence means unresponsive.
 */
export const AGENT_STATUSES = ['NotInstalled', 'NotReady', 'Ready', 'Unresponsive'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const agentStatusMachine = defineMachine<AgentStatus>({
  subject: 'AgentStatus',
  initial: ['NotInstalled', 'NotReady', 'Ready'],
  transitions: {
    NotInstalled: ['NotReady', 'Ready'],
    NotReady: ['Ready', 'Unresponsive'],
    Ready: ['NotReady', 'Unresponsive'],
    Unresponsive: ['NotReady', 'Ready'],
  },
});
