import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixedClock } from '../../core/clock.ts';
import { SNAPSHOT_EXTENSION, type GoalState, type StatusReport } from '../../protocol/index.ts';
import { RefusingExtensionHost } from '../refusing-extension-host.ts';
import { AgentDaemon, type VaultPort } from './agent-daemon.ts';

const pending = {
  taskId: 'job-1',
  kind: 'snapshot' as const,
  state: 'pending' as const,
  jobName: 'job-1',
  collectionId: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/restorePointCollections/c',
  pointName: '1',
  consistencyWanted: 'ApplicationConsistent' as const,
  disks: [{ name: 'os' }],
};
const offer = { version: '0.2.0', sha256: 'a'.repeat(64), sizeBytes: 10 };
const goalWith = (tasks: (typeof pending)[]): GoalState => ({
  incarnation: 1,
  machineId: 'm-1',
  extensions: [{ name: SNAPSHOT_EXTENSION, version: '1.0.0', state: 'enabled', settings: { tasks } }],
  deletedInstantPoints: [],
  agentUpdate: offer,
});

/** Pulls 1–2 list an open task; during pulls 3–4 the host still runs one; from pull 5 the machine is idle. */
class CountingVault implements VaultPort {
  pulls = 0;
  readonly reports: StatusReport[] = [];
  async goalState(): Promise<GoalState> {
    this.pulls += 1;
    return goalWith(this.pulls <= 2 ? [pending] : []);
  }
  async reportStatus(report: StatusReport): Promise<void> {
    this.reports.push(report);
  }
}

class BusyHost extends RefusingExtensionHost {
  busyWhile: () => boolean = () => false;
  busy(): boolean {
    return this.busyWhile();
  }
}

describe('agent daemon and updates', () => {
  it('restarts into a ready update only once no task is open in the goal state and none runs in the host', async () => {
    const libDir = await mkdtemp(join(tmpdir(), 'arca-daemon-update-'));
    try {
      const vault = new CountingVault();
      const host = new BusyHost('extensions are off');
      host.busyWhile = () => vault.pulls <= 4;
      const considered: number[] = [];
      const lines: string[] = [];
      const log = { debug: () => {}, info: (msg: string) => void lines.push(msg), warn: (msg: string) => void lines.push(msg), error: (msg: string) => void lines.push(msg) };
      const daemon = new AgentDaemon({
        vault,
        vaultUrl: 'https://vault',
        host,
        log,
        clock: fixedClock(new Date('2026-01-01T00:00:00Z')),
        monotonic: () => 0,
        version: '0.1.0',
        periodMs: 2,
        libDir,
        updater: { consider: async (goal) => (considered.push(vault.pulls), goal.agentUpdate?.version) },
      });
      const exit = await daemon.run(AbortSignal.timeout(10_000));
      assert.deepEqual(exit, { restartInto: '0.2.0' });
      assert.equal(vault.pulls, 5, 'it stopped at the first pull with the machine idle');
      assert.deepEqual(considered, [1, 2, 3, 4, 5]);
      assert.equal(lines.filter((l) => l === 'agent update waits for the running tasks to end').length, 1, 'the wait is logged once');
      assert.equal(vault.reports.at(-1)?.agent.message, 'the agent is restarting into version 0.2.0');
    } finally {
      await rm(libDir, { recursive: true, force: true });
    }
  });

  it('an update that failed is named in the status message with its code', async () => {
    const libDir = await mkdtemp(join(tmpdir(), 'arca-daemon-update-'));
    try {
      const vault = new CountingVault();
      const daemon = new AgentDaemon({
        vault,
        vaultUrl: 'https://vault',
        host: new RefusingExtensionHost('extensions are off'),
        log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
        clock: fixedClock(new Date('2026-01-01T00:00:00Z')),
        monotonic: () => 0,
        version: '0.1.0',
        periodMs: 1000,
        libDir,
        updater: { consider: async () => undefined, problem: { version: '0.2.0', code: 'AgentPackageChecksumMismatch' } },
      });
      await daemon.reportOnce(AbortSignal.timeout(5000));
      assert.equal(vault.reports[0]?.agent.message, 'extensions are off; agent update to 0.2.0 not applied (AgentPackageChecksumMismatch)');
      assert.equal(vault.reports[0]?.agent.status, 'Ready');
    } finally {
      await rm(libDir, { recursive: true, force: true });
    }
  });
});
