import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { HIGH_LOAD_PERCENT } from '../../core/limits.ts';
import { systemClock } from '../../platform/system-clock.ts';
import type { SnapshotTaskGoal } from '../../protocol/index.ts';
import { DEFAULT_CONFIG, type VmSnapshotConfig } from './config.ts';
import { memoryPercent, ProcLoadProbe } from './machine-checks.ts';
import { runSnapshotTask, type SnapshotTaskDeps } from './snapshot-task.ts';

const GIB = 1024 ** 3;
const skip = existsSync('/proc/stat') && existsSync('/proc/meminfo') ? false : 'no /proc/stat and /proc/meminfo to measure the load';

/** A child that works: `cpu` spins one core; `memory` fills `bytes` of its own memory and holds it. Resolves once it is at work. */
async function hog(kind: 'cpu' | 'memory', bytes = 0): Promise<ChildProcess> {
  const code = kind === 'cpu'
    ? `console.log('ready'); for (;;) {}`
    : `const held = Buffer.allocUnsafe(${bytes}); held.fill(1); console.log('ready'); setInterval(() => held[0]++, 1000);`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve, reject) => {
    lines.once('line', () => resolve());
    child.once('exit', (status) => reject(new Error(`the ${kind} hog exited (${status}) before it was at work`)));
  });
  return child;
}

async function stop(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(children.map(async (child) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }));
}

const task = (id: string, path: string): SnapshotTaskGoal => ({
  taskId: id, kind: 'snapshot', state: 'pending', jobName: id, collectionId: 'AzureBackupRG_vm1_1', pointName: id, consistencyWanted: 'FileSystemConsistent', disks: [{ name: 'osdisk', path }],
});

/**
 * The snapshot waits while the machine is busy, measured for real from /proc/stat and
 * /proc/meminfo: busy processes on every core push CPU over the seed's 90 %; a process holding a
 * few GiB pushes memory over a threshold lowered for the test (this machine's memory is too large
 * to fill). Each delays the snapshot and, past the load timeout, fails it with its code.
 */
describe('snapshot delayed by real load', { skip }, () => {
  let root: string;
  let disk: string;
  const hogs: ChildProcess[] = [];

  const deps = (config: Partial<VmSnapshotConfig>, logs: string[], onLog?: (line: string) => void): SnapshotTaskDeps => ({
    clock: systemClock,
    config: { ...DEFAULT_CONFIG, ...config },
    freezer: { freeze: async () => ({ mounts: [], thawedByWatchdog: () => false, thaw: async () => true }) },
    providers: [],
    loadProbe: new ProcLoadProbe(250),
    readMounts: async () => [],
    machine: { id: 'machine-1', name: 'vm1' },
    logDir: join(root, 'logs'),
    stateDir: join(root, 'state'),
    report: async () => undefined,
    log: (line) => {
      logs.push(line);
      onLog?.(line);
    },
  });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'arca-vmsnapshot-load-'));
    disk = join(root, 'disk.img');
    await writeFile(disk, '');
    await truncate(disk, 4 << 20);
  });

  after(async () => {
    await stop(hogs);
    await rm(root, { recursive: true, force: true });
  });

  it('with every core busy, delays the snapshot while CPU is over 90 % and fails it with UserErrorSnapshotDelayedByLoad past the load timeout', async () => {
    const busy = await Promise.all(Array.from({ length: availableParallelism() }, () => hog('cpu')));
    hogs.push(...busy);
    try {
      const logs: string[] = [];
      const started = Date.now();
      const final = await runSnapshotTask(task('task-cpu', disk), deps({ loadTimeoutSeconds: 2 }, logs));
      assert.equal(final.error?.code, 'UserErrorSnapshotDelayedByLoad', JSON.stringify(final));
      assert.ok(Number(final.error?.params?.['cpuPercent']) > HIGH_LOAD_PERCENT, `measured ${final.error?.params?.['cpuPercent']} % CPU`);
      assert.ok(Date.now() - started >= 2000, 'it waited out the load timeout');
      assert.ok(logs.filter((line) => line.startsWith('snapshot delayed: CPU')).length >= 2, logs.join('\n'));
    } finally {
      await stop(busy);
    }
  });

  it('takes the delayed snapshot once the busy processes stop', async () => {
    const busy = await Promise.all(Array.from({ length: availableParallelism() }, () => hog('cpu')));
    hogs.push(...busy);
    try {
      const logs: string[] = [];
      const final = await runSnapshotTask(task('task-cpu-calm', disk), deps({ loadTimeoutSeconds: 15 }, logs, (line) => {
        if (line.startsWith('snapshot delayed')) void stop(busy);
      }));
      assert.equal(final.status, 'transitioning', JSON.stringify(final.error));
      assert.equal(final.phase, 'transfer');
      assert.ok(logs.some((line) => line.startsWith('snapshot delayed')), 'it was delayed first');
    } finally {
      await stop(busy);
    }
  });

  it('with a process holding memory over a lowered threshold, delays the snapshot and fails it with the measured memory', async () => {
    const meminfo = await readFile('/proc/meminfo', 'utf8');
    const totalBytes = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1]) * 1024;
    const bytes = Math.min(3 * GIB, Math.max(GIB / 2, Math.round(totalBytes * 0.08)));
    const baseline = memoryPercent(meminfo);
    const threshold = Math.round((baseline + ((bytes / totalBytes) * 100) / 2) * 10) / 10;
    const holder = await hog('memory', bytes);
    hogs.push(holder);
    try {
      const logs: string[] = [];
      const final = await runSnapshotTask(task('task-memory', disk), deps({ loadTimeoutSeconds: 1, cpuThresholdPercent: 100, memoryThresholdPercent: threshold }, logs));
      assert.equal(final.error?.code, 'UserErrorSnapshotDelayedByLoad', JSON.stringify(final));
      const measured = Number(final.error?.params?.['memoryPercent']);
      assert.ok(measured > threshold, `measured ${measured} % memory against a threshold of ${threshold} % (baseline ${baseline} %)`);
      assert.ok(logs.some((line) => line.includes('snapshot delayed')), logs.join('\n'));
    } finally {
      await stop([holder]);
    }
  });
});
