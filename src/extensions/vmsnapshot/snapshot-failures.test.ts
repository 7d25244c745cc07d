import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { createLoopRig, run, whyNoLoopRig, type LoopRig } from '../../platform/testing/loop-rig.ts';
import type { SnapshotTaskGoal, TaskStatusReport } from '../../protocol/index.ts';
import { runSnapshotTask, type SnapshotTaskDeps } from './snapshot-task.ts';
import { VaultChannelUploader } from './vault-uploader.ts';
import { noNetworkError } from './no-network.ts';
import { ArcaError } from '../../core/errors/index.ts';
import { hostDeps, type HostDepsOverrides } from './testing.ts';

const NOBODY = 65534;

/**
 * Failures of a snapshot task, each from a real condition: a mount already frozen (FIFREEZE answers
 * EBUSY), a disk that vanished, one a non-root extension cannot read, a detached loop device, a
 * file system too full for the snapshots to grow, and a vault whose port is closed at transfer
 * time. The XFS rig is as in snapshot-real.test.ts: a reflink XFS image holding the VM's disk
 * image, which holds an ext4 file system mounted through a second loop device.
 */
const skipRoot = whyNoLoopRig(['mkfs.ext4', 'fsfreeze', 'fallocate', 'blockdev']) ?? false;

const task = (id: string, disks: SnapshotTaskGoal['disks']): SnapshotTaskGoal => ({
  taskId: id, kind: 'snapshot', state: 'pending', jobName: id, collectionId: 'AzureBackupRG_vm1_1', pointName: id, consistencyWanted: 'FileSystemConsistent', disks,
});

function depsFor(root: string, extra: HostDepsOverrides = {}): SnapshotTaskDeps & { logs: string[] } {
  const logs: string[] = [];
  return { ...hostDeps(root, { log: (line) => logs.push(line), ...extra }), logs };
}

function assertFailed(final: TaskStatusReport, code: string, params: Record<string, string | number> = {}): void {
  assert.equal(final.status, 'error', JSON.stringify(final));
  assert.equal(final.error?.code, code, JSON.stringify(final.error));
  for (const [name, value] of Object.entries(params)) assert.equal(final.error?.params?.[name], value, `${name} in ${JSON.stringify(final.error?.params)}`);
}

describe('snapshot failures without special rights', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'arca-vmsnapshot-fail-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('fails with UserErrorUnableToOpenMount naming a disk whose image vanished', async () => {
    const gone = join(root, 'gone.img');
    const final = await runSnapshotTask(task('task-gone', [{ name: 'osdisk', path: gone }]), depsFor(root));
    assertFailed(final, 'UserErrorUnableToOpenMount', { mountPoint: gone, vmName: 'vm1' });
    assert.equal(final.phase, 'snapshot');
  });

  it('fails the transfer with ExtensionSnapshotFailedNoNetwork when the vault\'s port is closed, after the snapshot was taken', async () => {
    const disk = join(root, 'disk.img'); // on /tmp: no reflink, so a live read — the transfer is what fails
    await run('truncate', ['-s', '4M', disk]);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    // The shipped network uploader: it opens the vault's channel when the transfer starts.
    const uploader = new VaultChannelUploader({ url: `https://127.0.0.1:${port}`, ca: rootCertificates[0] as string, token: 'agent-token', machineId: 'machine-1' });
    const reports: TaskStatusReport[] = [];
    const final = await runSnapshotTask(task('task-net', [{ name: 'osdisk', path: disk }]), depsFor(root, { uploader, report: async (r) => void reports.push(r) }));
    assertFailed(final, 'ExtensionSnapshotFailedNoNetwork', { vmName: 'vm1', endpoint: `127.0.0.1:${port}` });
    assert.equal(final.phase, 'transfer', 'the snapshot was taken; reaching the vault failed');
    assert.ok(reports.some((r) => r.phase === 'transfer' && r.status === 'transitioning'), 'the snapshot was reported before the transfer');
  });
});

const errno = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(code), { code, ...extra });

describe('which failures are the machine\'s network', () => {
  const cases: { name: string; thrown: unknown; endpoint?: string }[] = [
    { name: 'a name that does not resolve, named by its host', thrown: new ArcaError('RepositoryStoreUnavailable', { operation: 'read', key: 'keys', reason: 'x' }, { cause: errno('ENOTFOUND', { hostname: 'vault.example' }) }), endpoint: 'vault.example' },
    { name: 'a reset connection deep in the cause chain', thrown: new Error('upload failed', { cause: new Error('pack', { cause: errno('ECONNRESET') }) }), endpoint: 'the vault' },
    { name: 'not an answer from the vault (HTTP 503)', thrown: new ArcaError('RepositoryStoreUnavailable', { operation: 'write', key: 'data/aa', reason: 'HTTP 503: busy' }) },
    { name: 'not a local file error', thrown: errno('ENOENT') },
  ];
  for (const { name, thrown, endpoint } of cases) {
    it(`${endpoint ? 'maps' : 'leaves'} ${name}`, () => {
      const mapped = noNetworkError(thrown, 'vm1');
      assert.equal(mapped?.code, endpoint ? 'ExtensionSnapshotFailedNoNetwork' : undefined);
      if (endpoint) assert.equal(mapped?.params['endpoint'], endpoint);
    });
  }
});

type Rig = LoopRig;

const setUp = (): Promise<Rig> => createLoopRig({ prefix: 'arca-vmsnapshot-fail-rig-', xfsSize: '320M', guestDiskSize: '32M' });

const tearDown = (rig: Rig | undefined): Promise<void> => rig?.dispose() ?? Promise.resolve();

const moduleUrl = (file: string) => new URL(file, import.meta.url).href;

/** Runs a snapshot task in a child process as `nobody`, as an extension without root would; its final report. */
async function runAsNobody(root: string, disk: string): Promise<TaskStatusReport> {
  const stateDir = join(root, 'nobody-state');
  await mkdir(stateDir, { recursive: true });
  await chown(stateDir, NOBODY, NOBODY);
  const code = `
    import { runSnapshotTask } from '${moduleUrl('./snapshot-task.ts')}';
    import { DEFAULT_CONFIG } from '${moduleUrl('./config.ts')}';
    import { systemClock } from '${moduleUrl('../../platform/system-clock.ts')}';
    const task = ${JSON.stringify(task('task-nobody', [{ name: 'osdisk', path: disk }]))};
    const final = await runSnapshotTask(task, {
      clock: systemClock, config: DEFAULT_CONFIG, providers: [], readMounts: async () => [],
      freezer: { freeze: () => Promise.reject(new Error('nothing is frozen before the disks are opened')) },
      loadProbe: { sample: async () => ({ cpuPercent: 5, memoryPercent: 5 }) },
      machine: { id: 'machine-1', name: 'vm1' }, logDir: ${JSON.stringify(stateDir)}, stateDir: ${JSON.stringify(stateDir)},
      report: async () => undefined,
    });
    process.stdout.write(JSON.stringify(final));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { uid: NOBODY, gid: NOBODY, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(status, 0, err);
  return JSON.parse(out) as TaskStatusReport;
}

describe('snapshot failures on a real XFS with reflink and a real ext4 mount', { skip: skipRoot }, () => {
  let rig: Rig | undefined;
  before(async () => {
    rig = await setUp();
  });
  after(() => tearDown(rig));

  it('fails with UserErrorFsFreezeFailed naming the mount when FIFREEZE refuses it (already frozen: EBUSY), and leaves alone the freeze it did not make', async () => {
    const r = rig as Rig;
    await run('fsfreeze', ['-f', r.mount]);
    try {
      const final = await runSnapshotTask(task('task-busy', [{ name: 'osdisk', path: r.disk }]), depsFor(r.root));
      assertFailed(final, 'UserErrorFsFreezeFailed', { mountPoint: r.mount, vmName: 'vm1' });
      assert.equal(final.phase, 'snapshot');
      await assert.rejects(run('fsfreeze', ['-f', r.mount]), /Device or resource busy/, 'the freeze held by someone else is still there');
    } finally {
      await run('fsfreeze', ['-u', r.mount]);
    }
    await writeFile(join(r.mount, 'after.txt'), 'writable again\n');
  });

  it('fails with UserErrorUnableToOpenMount when the extension runs without root and the disk image is mode 000', async () => {
    const r = rig as Rig;
    const locked = join(r.root, 'locked', 'disk.img');
    await mkdir(join(r.root, 'locked'));
    await run('truncate', ['-s', '4M', locked]);
    await chmod(locked, 0o000);
    for (const dir of [r.root, join(r.root, 'locked')]) await chmod(dir, 0o755);
    const final = await runAsNobody(r.root, locked);
    assertFailed(final, 'UserErrorUnableToOpenMount', { mountPoint: locked });
  });

  it('fails with UserErrorUnableToOpenMount when the disk is a loop device detached from its file', async () => {
    const r = rig as Rig;
    const backing = join(r.root, 'detached.img');
    await run('truncate', ['-s', '4M', backing]);
    const loop = (await run('losetup', ['-f', '--show', backing])).stdout.trim();
    await run('losetup', ['-d', loop]);
    const final = await runSnapshotTask(task('task-detached', [{ name: 'datadisk', path: loop }]), depsFor(r.root));
    assertFailed(final, 'UserErrorUnableToOpenMount', { mountPoint: loop });
  });

  it('fails with UserErrorBCMPremiumStorageQuotaError when the disks\' file system keeps less free space than configured for the snapshots to grow', async () => {
    const r = rig as Rig;
    const filler = join(r.xfs, 'filler.bin');
    try {
      const roomy = await runSnapshotTask(task('task-space-ok', [{ name: 'osdisk', path: r.disk }]), depsFor(r.root, { config: { minFreePercent: 50 } }));
      assert.equal(roomy.status, 'transitioning', `with room the snapshot is taken: ${JSON.stringify(roomy.error)}`);
      const { stdout } = await run('df', ['--output=avail', '-B1', r.xfs]);
      const avail = Number(stdout.trim().split('\n').at(-1));
      await run('fallocate', ['-l', String(Math.floor(avail * 0.8)), filler]);
      const final = await runSnapshotTask(task('task-space', [{ name: 'osdisk', path: r.disk }]), depsFor(r.root, { config: { minFreePercent: 50 } }));
      assertFailed(final, 'UserErrorBCMPremiumStorageQuotaError', { vmName: 'vm1' });
      assert.ok(String(final.error?.params?.['path']).startsWith(join(r.xfs, 'disks', '.arca-restore-points')), String(final.error?.params?.['path']));
      await writeFile(join(r.mount, 'not-frozen.txt'), 'the check comes before any freeze\n');
    } finally {
      await rm(filler, { force: true });
    }
  });
});
