import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock } from '../../core/clock.ts';
import type { AgentStatus } from '../../core/states/index.ts';
import { agentStatusAt, DEFAULT_AGENT_UNRESPONSIVE_MS, withAgentLiveness } from './agent-liveness.ts';

const T0 = new Date('2026-11-22T10:00:00.000Z');
const MINUTE = 60_000;

describe('agent liveness, drawn on read with the clock', () => {
  const cases: { name: string; status: AgentStatus; lastReport?: string; after: number; expect: AgentStatus }[] = [
    { name: 'a Ready agent that reported just now stays Ready', status: 'Ready', lastReport: T0.toISOString(), after: 0, expect: 'Ready' },
    { name: 'a Ready agent silent for exactly the window is still Ready', status: 'Ready', lastReport: T0.toISOString(), after: 10 * MINUTE, expect: 'Ready' },
    { name: 'a Ready agent silent past the window is Unresponsive', status: 'Ready', lastReport: T0.toISOString(), after: 10 * MINUTE + 1, expect: 'Unresponsive' },
    { name: 'a NotReady agent silent past the window is Unresponsive too', status: 'NotReady', lastReport: T0.toISOString(), after: 11 * MINUTE, expect: 'Unresponsive' },
    { name: 'an agent that never reported stays NotInstalled, however long', status: 'NotInstalled', after: 1000 * MINUTE, expect: 'NotInstalled' },
    { name: 'a Ready agent without a report time is left as stored', status: 'Ready', after: 1000 * MINUTE, expect: 'Ready' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const clock = fixedClock(T0);
      clock.advance(c.after);
      assert.equal(agentStatusAt({ status: c.status, ...(c.lastReport ? { lastReport: c.lastReport } : {}) }, clock.now(), DEFAULT_AGENT_UNRESPONSIVE_MS), c.expect);
    });
  }

  it('returns the runtime itself when nothing changes, a copy with the verdict when it does', () => {
    const runtime = { powerState: 'running', agent: { status: 'Ready' as const, lastReport: T0.toISOString() } };
    assert.equal(withAgentLiveness(runtime, T0, MINUTE), runtime);
    const late = withAgentLiveness(runtime, new Date(T0.getTime() + 2 * MINUTE), MINUTE);
    assert.equal(late.agent.status, 'Unresponsive');
    assert.equal(runtime.agent.status, 'Ready', 'the stored runtime is not changed');
  });
});
