import assert from 'node:assert/strict';
import { access, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { systemClock } from '../../platform/system-clock.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { DeviceMapperSnapshotProvider, type DeviceMapperOptions } from './device-mapper-provider.ts';
import type { FreezeOptions, Freezer } from './freezer.ts';
import { planSnapshot, type SnapshotProvider } from './snapshot-provider.ts';
import { takeSnapshot } from './take-snapshot.ts';
import { runSnapshotTask } from './snapshot-task.ts';
import { writeJournal } from './task-journal.ts';

/**
 * The device-mapper provider against a fake `dmsetup`/`losetup`/`blockdev` that keeps the state a
 * kernel would (tables, live and inactive, suspension, loop devices): this machine has no
 * device-mapper, so the real sequence cannot run here. Each test asserts the exact commands.
 */
interface FakeDevice { table: string; inactive?: string; suspended: boolean; major: number; minor: number }

class FakeKernel {
  readonly devices = new Map<string, FakeDevice>();
  readonly loops = new Map<string, string>();
  readonly calls: string[] = [];
  /** The first command starting with this fails, once. */
  failOn?: string | undefined;
  snapshotStatus = '0 2097152 snapshot 16/8388608 16';
  #minor = 10;

  constructor() {
    this.devices.set('vg-data', { table: '0 2097152 linear 8:16 2048', suspended: false, major: 253, minor: 0 });
  }

  readonly runner = async (command: string, args: readonly string[]): Promise<string> => {
    const line = [command, ...args].join(' ');
    this.calls.push(line);
    if (this.failOn !== undefined && line.startsWith(this.failOn)) {
      this.failOn = undefined; // once: the cleanup that follows finds a working kernel
      throw new Error(`${command}: simulated failure`);
    }
    const [verb = '', ...rest] = args;
    const device = (name: string | undefined) => {
      const found = this.devices.get(name ?? '');
      if (!found) throw new Error(`Device ${name} does not exist.`);
      return found;
    };
    if (command === 'blockdev') return '2097152\n';
    if (command === 'losetup') {
      if (verb === '--find') { this.loops.set('/dev/loop7', rest.at(-1) ?? ''); return '/dev/loop7\n'; }
      if (verb === '-j') return [...this.loops].filter(([, file]) => file === rest[0]).map(([loop, file]) => `${loop}: []: (${file})\n`).join('');
      if (verb === '-d') { this.loops.delete(rest[0] ?? ''); return ''; }
    }
    if (verb === 'info' && rest.includes('name')) {
      const [major, minor] = [Number(rest[rest.indexOf('-j') + 1]), Number(rest[rest.indexOf('-m') + 1])];
      const hit = [...this.devices].find(([, d]) => d.major === major && d.minor === minor);
      if (!hit) throw new Error('Device does not exist.');
      return `${hit[0]}\n`;
    }
    if (verb === 'info') return device(rest.at(-1)).suspended ? 'Suspended\n' : 'Active\n';
    if (verb === 'table') return `${device(rest[0]).table}\n`;
    if (verb === 'status') { device(rest[0]); return `${this.snapshotStatus}\n`; }
    if (verb === 'suspend') { device(rest.at(-1)).suspended = true; return ''; }
    if (verb === 'resume') {
      const d = device(rest[0]);
      if (d.inactive) { d.table = d.inactive; delete d.inactive; }
      d.suspended = false;
      return '';
    }
    if (verb === 'create') {
      if (this.devices.has(rest[0] ?? '')) throw new Error('Device or resource busy');
      this.devices.set(rest[0] ?? '', { table: rest[2] ?? '', suspended: false, major: 253, minor: this.#minor++ });
      return '';
    }
    if (verb === 'load') { device(rest[0]).inactive = rest[2] ?? ''; return ''; }
    if (verb === 'clear') { delete device(rest[0]).inactive; return ''; }
    if (verb === 'remove') { device(rest[0]); this.devices.delete(rest[0] ?? ''); return ''; }
    throw new Error(`unexpected command: ${line}`);
  };
}

const DISK = { name: 'datadisk', path: '/dev/mapper/vg-data' };
const CTX = { taskId: 'task-1', vmName: 'vm1' };

let root: string;
let control: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'arca-dm-'));
  control = join(root, 'control');
  await writeFile(control, '');
});
after(() => rm(root, { recursive: true, force: true }));

let counter = 0;
function rig(extra: Partial<DeviceMapperOptions> = {}) {
  const kernel = new FakeKernel();
  const stateDir = join(root, `state-${counter++}`);
  const provider = new DeviceMapperSnapshotProvider({
    stateDir, runner: kernel.runner, cowSizeBytes: 64 * 2 ** 20, controlPath: control,
    blockDevice: async (path) => (path === DISK.path ? { major: 253, minor: 0 } : path === '/dev/sdb1' ? { major: 8, minor: 17 } : undefined),
    ...extra,
  });
  return { kernel, provider, stateDir };
}

// The names are derived from the task id, so they are the same on every run of the task.
const BASE = 'arca-7afaa346b4bf-datadisk';
function names(stateDir: string) {
  return { real: `${BASE}-real`, snap: `${BASE}-snap`, cow: join(stateDir, 'dm-snapshots', `${BASE}.cow`) };
}

const PLAN = [
  'dmsetup info -c --noheadings -o name -j 253 -m 0',
  'dmsetup table vg-data',
  'blockdev --getsz /dev/mapper/vg-data',
];

function takeSequence(stateDir: string): string[] {
  const n = names(stateDir);
  return [
    ...PLAN,
    `losetup --find --show ${n.cow}`,
    'dmsetup suspend --nolockfs vg-data',
    `dmsetup create ${n.real} --table 0 2097152 linear 8:16 2048`,
    `dmsetup create ${n.snap} --table 0 2097152 snapshot /dev/mapper/${n.real} /dev/loop7 N 8`,
    `dmsetup load vg-data --table 0 2097152 snapshot-origin /dev/mapper/${n.real}`,
    'dmsetup resume vg-data',
  ];
}

/** The teardown after a snapshot was made in full: the origin back on its own table, all removed. */
function releaseSequence(stateDir: string): string[] {
  const n = names(stateDir);
  return [
    'dmsetup info -c --noheadings -o suspended vg-data',
    'dmsetup clear vg-data',
    'dmsetup table vg-data',
    'dmsetup load vg-data --table 0 2097152 linear 8:16 2048',
    'dmsetup suspend vg-data',
    'dmsetup resume vg-data',
    `dmsetup info -c --noheadings -o suspended ${n.snap}`,
    `dmsetup remove ${n.snap}`,
    `dmsetup info -c --noheadings -o suspended ${n.real}`,
    `dmsetup remove ${n.real}`,
    `losetup -j ${n.cow}`,
    'losetup -d /dev/loop7',
  ];
}

async function take(r: ReturnType<typeof rig>): Promise<string> {
  const support = await r.provider.supports(DISK);
  assert.deepEqual(support, { ok: true });
  await r.provider.prepare(DISK, CTX);
  return r.provider.snapshot(DISK, '', CTX);
}

function assertPristine(r: ReturnType<typeof rig>): void {
  assert.deepEqual([...r.kernel.devices.keys()], ['vg-data'], 'only the origin is left');
  assert.deepEqual(r.kernel.devices.get('vg-data'), { table: '0 2097152 linear 8:16 2048', suspended: false, major: 253, minor: 0 });
  assert.equal(r.kernel.loops.size, 0, 'no loop device is left attached');
}

const exists = (path: string) => access(path).then(() => true, () => false);

describe('DeviceMapperSnapshotProvider', () => {
  it('declines with its reason when the machine has no /dev/mapper/control, and the live read is planned', async () => {
    const r = rig({ controlPath: join(root, 'no-such-control') });
    const plan = await planSnapshot(DISK, '', [r.provider]);
    assert.equal(plan.copyOnWrite, false);
    assert.match(plan.reason ?? '', /datadisk: device-mapper is not available on this machine \(no \/dev\/mapper\/control\)/);
    assert.deepEqual(r.kernel.calls, [], 'nothing is run on a machine without device-mapper');
  });

  it('declines a file with the real stat, before anything else', async () => {
    const file = join(root, 'disk.img');
    await writeFile(file, 'x');
    const r = rig({ blockDevice: undefined });
    assert.deepEqual(await r.provider.supports({ name: 'd', path: file }), { ok: false, reason: `${file} is not a block device` });
  });

  it('declines a raw partition, which its file system writes to directly', async () => {
    const r = rig();
    const support = await r.provider.supports({ name: 'd', path: '/dev/sdb1' });
    assert.equal(support.ok, false);
    assert.match(support.ok ? '' : support.reason, /\/dev\/sdb1 is not a device-mapper device: .*mounting it again/);
  });

  it('declines mappings it cannot clone: a crypt target, several segments', async () => {
    const r = rig();
    const origin = r.kernel.devices.get('vg-data');
    assert.ok(origin);
    origin.table = '0 2097152 crypt aes-xts-plain64 :64:logon:cryptsetup:x 0 8:16 4096';
    assert.deepEqual(await r.provider.supports(DISK), { ok: false, reason: 'vg-data is a crypt mapping; only linear and striped mappings are snapshotted' });
    origin.table = '0 1024 linear 8:16 0\n1024 1024 linear 8:32 0';
    assert.deepEqual(await r.provider.supports(DISK), { ok: false, reason: 'vg-data is mapped in 2 segments; only a single linear or striped segment is snapshotted' });
  });

  it('takes the snapshot in the documented order, checks it and takes it all down on release', async () => {
    const r = rig();
    const n = names(r.stateDir);
    assert.equal(await take(r), `/dev/mapper/${n.snap}`);
    assert.deepEqual(r.kernel.calls, takeSequence(r.stateDir));
    assert.equal(r.kernel.devices.get('vg-data')?.table, `0 2097152 snapshot-origin /dev/mapper/${n.real}`);
    assert.equal(r.kernel.devices.get('vg-data')?.suspended, false, 'the origin is suspended only inside the snapshot');
    const cow = await stat(n.cow);
    assert.equal(cow.size, 64 * 2 ** 20);
    assert.ok(cow.blocks * 512 < 2 ** 20, 'the COW file is sparse');
    assert.equal(cow.mode & 0o777, 0o600);

    r.kernel.calls.length = 0;
    await r.provider.verify('task-1', 'vm1');
    assert.deepEqual(r.kernel.calls, [`dmsetup status ${n.snap}`]);

    r.kernel.calls.length = 0;
    await r.provider.release('task-1');
    assert.deepEqual(r.kernel.calls, releaseSequence(r.stateDir));
    assertPristine(r);
    assert.equal(await exists(n.cow), false, 'the COW file is deleted');
    assert.deepEqual(await readdir(join(r.stateDir, 'dm-snapshots')), [], 'the record is gone');

    r.kernel.calls.length = 0;
    await r.provider.release('task-1');
    assert.deepEqual(r.kernel.calls, [], 'a second release finds nothing to do');
  });

  it('uses a configured spare device as the COW store without losetup', async () => {
    const r = rig({ cowDevice: '/dev/vdc' });
    const n = names(r.stateDir);
    await take(r);
    assert.ok(r.kernel.calls.includes(`dmsetup create ${n.snap} --table 0 2097152 snapshot /dev/mapper/${n.real} /dev/vdc N 8`));
    assert.equal(r.kernel.calls.some((c) => c.startsWith('losetup')), false);
    await r.provider.release('task-1');
    assertPristine(r);
  });

  it('reports a snapshot whose COW store filled up during the read as UserErrorSnapshotCowStoreFull', async () => {
    const r = rig();
    await take(r);
    r.kernel.snapshotStatus = '0 2097152 snapshot Invalid';
    await assert.rejects(r.provider.verify('task-1', 'vm1'), (error: unknown) => isArcaError(error) && error.code === 'UserErrorSnapshotCowStoreFull' && error.params['cowSize'] === '64 MiB' && error.params['diskName'] === 'datadisk');
  });

  // Each step inside the frozen window fails in turn: the same idempotent teardown leaves the
  // origin on its own table, active, with nothing of ours left, and the step is named.
  const failures: readonly { readonly at: string; readonly step: string }[] = [
    { at: 'losetup --find', step: 'prepare the copy-on-write store' },
    { at: 'dmsetup suspend', step: 'suspend the disk' },
    { at: `dmsetup create ${BASE}-real`, step: 'map the disk again' },
    { at: `dmsetup create ${BASE}-snap`, step: 'create the snapshot' },
    { at: 'dmsetup load vg-data', step: 'load the snapshot origin' },
    { at: 'dmsetup resume vg-data', step: 'resume the disk' },
  ];
  for (const { at, step } of failures) {
    it(`cleans up and reports ExtensionDeviceMapperSnapshotFailed when "${at}" fails`, async () => {
      const r = rig();
      r.kernel.failOn = at;
      const error = await take(r).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof ArcaError, String(error));
      assert.equal(error.code, 'ExtensionDeviceMapperSnapshotFailed');
      assert.deepEqual({ step: error.params['step'], disk: error.params['diskName'], vm: error.params['vmName'] }, { step, disk: 'datadisk', vm: 'vm1' });
      const failedAt = r.kernel.calls.findIndex((c) => c.startsWith(at));
      assert.deepEqual(r.kernel.calls.slice(0, failedAt + 1), takeSequence(r.stateDir).slice(0, failedAt + 1), 'the sequence up to the failure');
      const cleanup = r.kernel.calls.slice(failedAt + 1);
      assert.ok(cleanup.includes(`losetup -j ${names(r.stateDir).cow}`), `the COW store is looked for: ${cleanup.join(' | ')}`);
      if (at === 'dmsetup resume vg-data') {
        // The origin already holds the snapshot-origin table in its inactive slot: cleared, then resumed.
        assert.deepEqual(cleanup.slice(0, 4), ['dmsetup info -c --noheadings -o suspended vg-data', 'dmsetup clear vg-data', 'dmsetup table vg-data', 'dmsetup resume vg-data']);
      }
      assertPristine(r);
      assert.equal(await exists(names(r.stateDir).cow), false);
      assert.deepEqual(await readdir(join(r.stateDir, 'dm-snapshots')), [], 'nothing is left for the next run');
    });
  }

  it('keeps its record when the cleanup itself fails, and the next release finishes it', async () => {
    const r = rig();
    await take(r);
    r.kernel.failOn = `dmsetup remove ${BASE}-real`;
    await assert.rejects(r.provider.release('task-1'), /was not fully removed \(remove arca-7afaa346b4bf-datadisk-real: dmsetup: simulated failure\); the next run tries again/);
    assert.ok(await r.provider.readRecord('task-1'), 'the record stays');
    await r.provider.release('task-1');
    assertPristine(r);
    assert.equal(await r.provider.readRecord('task-1'), undefined);
  });
});

const goal = { taskId: 'task-1', kind: 'snapshot', state: 'pending', jobName: 'j', collectionId: 'c1', pointName: 'p1', consistencyWanted: 'FileSystemConsistent', disks: [{ name: 'datadisk', path: DISK.path }] } as const;
const deps = (r: ReturnType<typeof rig>, logs: string[]) => ({
  clock: systemClock, config: DEFAULT_CONFIG, providers: [r.provider], machine: { id: 'm1', name: 'vm1' }, stateDir: r.stateDir, logDir: join(r.stateDir, 'logs'),
  freezer: { freeze: () => Promise.reject(new Error('no freeze expected')) }, loadProbe: { sample: async () => ({ cpuPercent: 1, memoryPercent: 1 }) },
  readMounts: async () => [], report: async () => undefined, log: (line: string) => logs.push(line),
});

describe('device-mapper snapshots and the task journal', () => {
  it('after a crash mid-snapshot (origin left suspended on the new table), the next run of a settled task takes it all down', async () => {
    const r = rig();
    await crashAtResume(r);
    const origin = r.kernel.devices.get('vg-data');
    assert.equal(origin?.suspended, true, 'the crash left the origin suspended');
    assert.ok(origin?.inactive?.includes('snapshot-origin'));
    const final = { taskId: 'task-1', status: 'error', phase: 'snapshot', error: { code: 'ArcaInternalError', params: {} } } as const;
    await writeJournal(r.stateDir, { taskId: 'task-1', final });
    r.kernel.calls.length = 0;
    const logs: string[] = [];
    const again = await runSnapshotTask(goal, deps(r, logs));
    assert.deepEqual(again, final, 'the settled result is reported again');
    const n = names(r.stateDir);
    assert.deepEqual(r.kernel.calls, [
      'dmsetup info -c --noheadings -o suspended vg-data',
      'dmsetup clear vg-data',
      'dmsetup table vg-data',
      'dmsetup resume vg-data',
      `dmsetup info -c --noheadings -o suspended ${n.snap}`,
      `dmsetup remove ${n.snap}`,
      `dmsetup info -c --noheadings -o suspended ${n.real}`,
      `dmsetup remove ${n.real}`,
      `losetup -j ${n.cow}`,
      'losetup -d /dev/loop7',
    ]);
    assertPristine(r);
    assert.deepEqual(logs, []);
  });

  it('a task whose journal has no snapshot yet releases the leftovers of a crashed run before it starts again', async () => {
    const r = rig();
    await take(r); // the crash came after the snapshot, before the journal recorded it
    r.kernel.calls.length = 0;
    const logs: string[] = [];
    // The disk path is no block device on this machine: the new snapshot phase fails at its first
    // check, after the release, so the test sees exactly what the release did.
    const final = await runSnapshotTask(goal, deps(r, logs));
    assert.equal(final.error?.code, 'UserErrorUnableToOpenMount');
    assert.deepEqual(r.kernel.calls, releaseSequence(r.stateDir));
    assertPristine(r);
  });
});

/**
 * Runs the snapshot sequence with a runner that "dies" at the origin's resume: from then on every
 * command fails, as for a killed process, so even the provider's own rollback does nothing.
 */
async function crashAtResume(r: ReturnType<typeof rig>): Promise<void> {
  await r.provider.supports(DISK);
  await r.provider.prepare(DISK, CTX);
  let dead = false;
  const dying = async (command: string, args: readonly string[]) => {
    if (dead || [command, ...args].join(' ') === 'dmsetup resume vg-data') {
      dead = true;
      throw new Error('the process is gone');
    }
    return r.kernel.runner(command, args);
  };
  const crashing = new DeviceMapperSnapshotProvider({ stateDir: r.stateDir, runner: dying, cowSizeBytes: 64 * 2 ** 20, controlPath: control, blockDevice: async () => ({ major: 253, minor: 0 }) });
  await crashing.supports(DISK);
  await assert.rejects(crashing.snapshot(DISK, '', CTX));
}

/** A freezer that records what it was asked and what the kernel looked like at that moment. */
function recordingFreezer(kernel?: FakeKernel) {
  const seen: { options: FreezeOptions; originSuspended?: boolean; loops: number }[] = [];
  const freezer: Freezer = {
    freeze: async (mounts, options) => {
      const origin = kernel?.devices.get('vg-data');
      seen.push({ options, ...(origin ? { originSuspended: origin.suspended } : {}), loops: kernel?.loops.size ?? 0 });
      return { mounts, thawedByWatchdog: () => false, thaw: async () => true };
    },
  };
  return { freezer, seen };
}

async function snapshotOf(provider: SnapshotProvider, freezer: Freezer, taskId: string) {
  const dir = await mkdtemp(join(root, 'take-'));
  const path = join(dir, 'datadisk.img');
  await writeFile(path, Buffer.alloc(4096));
  const task = { ...goal, taskId, disks: [{ name: 'datadisk', path }] };
  return takeSnapshot(task, {
    clock: systemClock, config: { ...DEFAULT_CONFIG, minFreePercent: 0 }, providers: [provider], machine: { id: 'm1', name: 'vm1' }, logDir: join(dir, 'logs'),
    freezer, loadProbe: { sample: async () => ({ cpuPercent: 1, memoryPercent: 1 }) }, readMounts: async () => [], report: async () => undefined,
  });
}

describe('the freeze watchdog learns which devices the snapshots suspend', () => {
  it('passes the device-mapper origin to the freezer, prepared and not yet suspended when the freeze starts', async () => {
    const r = rig({ blockDevice: async () => ({ major: 253, minor: 0 }) });
    const { freezer, seen } = recordingFreezer(r.kernel);
    const taken = await snapshotOf(r.provider, freezer, 'task-1');
    assert.deepEqual(seen.map((s) => s.options), [{ timeoutMs: DEFAULT_CONFIG.freezeTimeoutSeconds * 1000, vmName: 'vm1', devicesToResume: ['vg-data'] }]);
    assert.equal(seen[0]?.originSuspended, false, 'the watchdog is armed before the origin is suspended');
    assert.equal(seen[0]?.loops, 1, 'the COW store was prepared before the freeze');
    assert.deepEqual(taken.snapshots.map((s) => s.path), [`/dev/mapper/${BASE}-snap`]);
    await r.provider.release('task-1');
    assertPristine(r);
  });

  it('passes no devices for a provider that suspends none, so the freezer is asked exactly as before', async () => {
    const cloning: SnapshotProvider = { name: 'clone', supports: async () => ({ ok: true }), snapshot: async (_disk, target) => target };
    const { freezer, seen } = recordingFreezer();
    await snapshotOf(cloning, freezer, 'task-2');
    assert.deepEqual(seen.map((s) => s.options), [{ timeoutMs: DEFAULT_CONFIG.freezeTimeoutSeconds * 1000, vmName: 'vm1' }]);
  });
});
