import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixedClock } from '../../core/clock.ts';
import { ArcaError } from '../../core/errors/index.ts';
import { SNAPSHOT_EXTENSION, type GoalState, type StatusReport } from '../../protocol/index.ts';
import { RefusingExtensionHost } from '../refusing-extension-host.ts';
import { AgentDaemon, type VaultPort } from './agent-daemon.ts';
import { RepeatFilter, type AgentLog } from './agent-log.ts';
import { supervise } from './supervisor.ts';

function memoryLog(): AgentLog & { lines: { level: string; msg: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => void lines.push({ level, msg, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const goal = (incarnation: number, tasks: GoalState['extensions'][number]['settings']['tasks']): GoalState => ({
  incarnation,
  machineId: 'm-1',
  extensions: [{ name: SNAPSHOT_EXTENSION, version: '1.0.0', state: 'enabled', settings: { tasks } }],
  deletedInstantPoints: [],
});
const task = (taskId: string, state: 'pending' | 'cancelled' = 'pending') => ({
  taskId,
  kind: 'snapshot' as const,
  state,
  jobName: taskId,
  collectionId: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/restorePointCollections/c',
  pointName: '1',
  consistencyWanted: 'ApplicationConsistent' as const,
  disks: [{ name: 'os' }],
});

/** A vault that replays goal states in order and records every status report, failing when told to. */
class ReplayVault implements VaultPort {
  readonly reports: StatusReport[] = [];
  failWith: Error | undefined;
  readonly #goals: GoalState[];
  constructor(goals: GoalState[]) {
    this.#goals = goals;
  }
  async goalState(): Promise<GoalState> {
    if (this.failWith) throw this.failWith;
    return (this.#goals.length > 1 ? this.#goals.shift() : this.#goals[0]) as GoalState;
  }
  async reportStatus(report: StatusReport): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.reports.push(report);
  }
}

describe('agent daemon', () => {
  it('reconciles a new incarnation, reports each refused task once, and acknowledges the incarnation', async () => {
    const libDir = await mkdtemp(join(tmpdir(), 'arca-agent-daemon-'));
    try {
      const vault = new ReplayVault([goal(1, []), goal(2, [task('job-1'), task('job-0', 'cancelled')]), goal(2, [])]);
      const host = new RefusingExtensionHost('extensions are off');
      const clock = fixedClock(new Date('2026-12-01T00:00:00Z'));
      const daemon = new AgentDaemon({ vault, vaultUrl: 'https://vault', host, log: memoryLog(), clock, monotonic: () => 0, version: '1.2.3', periodMs: 1000, libDir });
      const signal = new AbortController().signal;
      for (let i = 0; i < 3; i += 1) {
        await daemon.pullOnce(signal);
        await daemon.reportOnce(signal);
      }
      assert.deepEqual(vault.reports.map((r) => r.goalStateIncarnation), [1, 2, 2]);
      assert.deepEqual(vault.reports.map((r) => r.tasks.map((t) => [t.taskId, t.status, t.error?.code])), [[], [['job-1', 'error', 'GuestAgentSnapshotTaskStatusError']], []]);
      assert.deepEqual(vault.reports[1]?.agent, { status: 'Ready', version: '1.2.3', message: 'extensions are off' });
      assert.deepEqual(vault.reports[1]?.extensions, [{ name: SNAPSHOT_EXTENSION, version: '1.0.0', handlerState: 'NotInstalled' }]);
    } finally {
      await rm(libDir, { recursive: true, force: true });
    }
  });

  it('logs an unreachable vault once, writes NotReady with the reason to status.json, and says when it recovers', async () => {
    const libDir = await mkdtemp(join(tmpdir(), 'arca-agent-daemon-'));
    try {
      const vault = new ReplayVault([goal(1, [])]);
      const log = memoryLog();
      const daemon = new AgentDaemon({ vault, vaultUrl: 'https://vault', host: new RefusingExtensionHost('off'), log, clock: fixedClock(new Date(0)), monotonic: () => 0, version: '1', periodMs: 1000, libDir });
      const signal = new AbortController().signal;
      vault.failWith = new ArcaError('AgentVaultUnreachable', { endpoint: 'https://vault', reason: 'ECONNREFUSED' });
      for (let i = 0; i < 5; i += 1) await daemon.reportOnce(signal);
      assert.equal(log.lines.filter((l) => l.level === 'error').length, 1, 'the same failure is logged once');
      const local = JSON.parse(await readFile(join(libDir, 'status.json'), 'utf8')) as { agent: { status: string; message: string } };
      assert.equal(local.agent.status, 'NotReady');
      assert.match(local.agent.message, /vault not reachable: .*ECONNREFUSED/);
      vault.failWith = undefined;
      assert.equal(await daemon.reportOnce(signal), true);
      assert.deepEqual(log.lines.at(-1), { level: 'info', msg: 'status reported again', fields: { failure: 'status:AgentVaultUnreachable', failures: 5, since: new Date(0).toISOString() } });
    } finally {
      await rm(libDir, { recursive: true, force: true });
    }
  });
});

describe('repeat filter', () => {
  it('logs a repeating failure once, then a summary once per window', () => {
    const log = memoryLog();
    const clock = fixedClock(new Date(0));
    const filter = new RepeatFilter(log, clock, 60_000);
    for (let i = 0; i < 10; i += 1) {
      filter.failure('status:X', 'status not reported', new Error('boom'));
      clock.advance(10_000);
    }
    assert.deepEqual(log.lines.map((l) => [l.msg, l.fields.failures ?? 1]), [['status not reported', 1], ['status not reported (still failing)', 7]]);
  });
});

describe('supervisor', () => {
  it('restarts a loop that throws, with a growing backoff, until stopped', async () => {
    const log = memoryLog();
    const controller = new AbortController();
    let runs = 0;
    await supervise(
      'flaky',
      async () => {
        runs += 1;
        if (runs === 3) controller.abort();
        throw new Error(`crash ${runs}`);
      },
      { signal: controller.signal, log, now: () => 0, backoff: { initialMs: 1, maxMs: 4, stableMs: 1000 } },
    );
    assert.equal(runs, 3);
    assert.deepEqual(log.lines.map((l) => [l.fields.restarts, l.fields.retryInMs]), [[0, 1], [1, 2]]);
  });
});
