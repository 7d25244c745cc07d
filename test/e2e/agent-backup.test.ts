import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { access, mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../src/platform/system-clock.ts';
import { SqliteMetadataStore } from '../../src/server/persistence/index.ts';
import { REPOSITORY_FOLDER, REPOSITORY_PASSPHRASE_FILE } from '../../src/server/vault-repository.ts';
import { LocalFsBlobStore } from '../../src/storage/blob/local-fs-blob-store.ts';
import type { RecoveryPointManifest } from '../../src/storage/points/manifest.ts';
import { listPointIds, loadPoint } from '../../src/storage/points/point-store.ts';
import { Repository } from '../../src/storage/repository/repository.ts';
import { SCHEDULE_PLANS, type SchedulePlan } from '../../src/server/scheduler/index.ts';
import { ARCA_BIN, runArca, startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';

/**
 * The issue's end-to-end test, with real processes on loopback: `arca server`, `arca agent
 * register`, `arca agent run`, and the VMSnapshot extension the agent starts. The VM's disks are
 * image files on an XFS file system with reflink (itself an image, loop-mounted): `os` holds a real
 * ext4 file system attached through a second loop device and mounted, so the freeze is a real
 * fsfreeze and the snapshot a real reflink clone; `dense` is random data, `sparse` mostly holes.
 * README.md's walk-through runs the same steps with curl.
 */
const run = promisify(execFile);
const MIB = 1 << 20;
const BACKUP = '2023-06-01';
const RG = '/resourceGroups/prod';
const V = `${RG}/providers/Microsoft.RecoveryServices/vaults/vault1`;
const VM = `${RG}/providers/Microsoft.Compute/virtualMachines/web-1`;
const ITEM = `${V}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;prod;web-1/protectedItems/VM;iaasvmcontainerv2;prod;web-1`;
const HALF_HOUR = 30 * 60_000;
const DISKS = ['os', 'dense', 'sparse'] as const;

/** Why this machine cannot run the test (root, loop devices, XFS with reflink, fsfreeze), or undefined. */
async function machineProblem(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root (loop devices, mount, fsfreeze)';
  for (const tool of ['mkfs.xfs', 'mkfs.ext4', 'debugfs', 'losetup', 'fsfreeze', 'mount', 'cmp']) {
    if (!(await run('sh', ['-c', `command -v ${tool}`]).then(() => true, () => false))) return `${tool} is not installed (xfsprogs, e2fsprogs, util-linux, diffutils)`;
  }
  if (!(await access('/dev/loop-control').then(() => true, () => false))) return 'this machine offers no loop devices (/dev/loop-control)';
  if (!(await readFile('/proc/filesystems', 'utf8').then((t) => /\bxfs\b/.test(t), () => false)) && !(await run('modprobe', ['xfs']).then(() => true, () => false))) {
    return 'the kernel has no XFS';
  }
  return undefined;
}

const problem = await machineProblem();

/** Run times fall on the hour or the half hour: the latest such instant, which the scheduler finds due once its plan is behind. */
const latestHalfHour = (now: number) => new Date(Math.floor(now / HALF_HOUR) * HALF_HOUR);

async function writeAt(path: string, offset: number, data: Uint8Array): Promise<void> {
  const file = await open(path, 'r+');
  try {
    await file.write(data, 0, data.length, offset);
    await file.sync();
  } finally {
    await file.close();
  }
}

describe('agent backup end to end: arca server, arca agent and the VMSnapshot extension on real disks', { skip: problem ?? false, timeout: 120_000 }, () => {
  let work: string;
  let dataDir: string;
  let xfsMount: string;
  let ext4Mount: string;
  let xfsLoop: string | undefined;
  let ext4Loop: string | undefined;
  let ext4Mounted = false;
  let xfsMounted = false;
  let server: RunningServer | undefined;
  let agent: ChildProcess | undefined;
  let agentOutput = '';
  let arm: ArmTestClient;
  let vmDir: string;
  const disk = (name: string) => join(vmDir, `${name}.img`);
  /** Snapshot folders of the instant tier, per backup: the disks as each backup saw them. */
  const points: string[] = [];

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'arca-e2e-agent-'));
    dataDir = join(work, 'vault');
    xfsMount = join(work, 'xfs');
    ext4Mount = join(work, 'mnt');
    await mkdir(xfsMount);
    await mkdir(ext4Mount);
    // The file system the disks live on: XFS with reflink, itself an image on a loop device.
    const xfsImage = join(work, 'xfs.img');
    await run('truncate', ['-s', '1G', xfsImage]);
    await run('mkfs.xfs', ['-q', '-m', 'reflink=1', xfsImage]);
    xfsLoop = (await run('losetup', ['-f', '--show', xfsImage])).stdout.trim();
    await run('mount', [xfsLoop, xfsMount]);
    xfsMounted = true;
    vmDir = join(xfsMount, 'vms', 'web-1');
    await mkdir(vmDir, { recursive: true });
    // os: a real ext4 file system on a second loop device, mounted, with files in it.
    await run('truncate', ['-s', '64M', disk('os')]);
    await run('mkfs.ext4', ['-q', '-F', disk('os')]);
    ext4Loop = (await run('losetup', ['-f', '--show', disk('os')])).stdout.trim();
    await run('mount', [ext4Loop, ext4Mount]);
    ext4Mounted = true;
    await writeFile(join(ext4Mount, 'hello.txt'), 'first version\n');
    await writeFile(join(ext4Mount, 'random.bin'), randomBytes(4 * MIB));
    // dense: random data throughout; sparse: a 96 MiB disk with three written blocks.
    await writeFile(disk('dense'), randomBytes(16 * MIB));
    await run('truncate', ['-s', '96M', disk('sparse')]);
    for (const offset of [0, 40 * MIB, 96 * MIB - 65536]) await writeAt(disk('sparse'), offset, randomBytes(65536));

    server = await startServer(dataDir, ['--scheduler-interval', '1']);
    arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
  });

  after(async () => {
    if (agent && agent.exitCode === null) {
      const exited = once(agent, 'exit');
      agent.kill('SIGTERM');
      await exited;
    }
    await server?.stop();
    // Thaw first: a frozen file system would hold the unmount (and anything writing to it) forever.
    if (ext4Mounted) await run('fsfreeze', ['-u', ext4Mount]).catch(() => undefined);
    if (ext4Mounted) await run('umount', [ext4Mount]).catch(() => undefined);
    if (ext4Loop) await run('losetup', ['-d', ext4Loop]).catch(() => undefined);
    if (xfsMounted) await run('umount', [xfsMount]).catch(() => undefined);
    if (xfsLoop) await run('losetup', ['-d', xfsLoop]).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  });

  async function arca(method: string, path: string, body?: unknown, apiVersion = BACKUP) {
    return arm.request(method, path, { apiVersion, ...(body === undefined ? {} : { body }) });
  }

  /** Polls until `probe` gives a value (the server and the agent move on their own clocks), bounded. */
  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 40_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      assert.ok(Date.now() < deadline, `${what} within ${timeoutMs} ms; agent log:\n${agentOutput.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  interface Job {
    properties: { status: string; operation: string; isUserTriggered?: boolean; errorDetails?: { code: string; errorString: string }[]; extendedInfo: { tasksList: { taskId: string; status: string }[] } };
  }

  /** Follows an operation to its job, and the job to its end. */
  async function finishedJob(operation: string): Promise<Job> {
    const jobId = await until('the operation names its job', async () => {
      const status = (await arm.request('GET', operation)).json<{ properties?: { jobId?: string } }>();
      return status.properties?.jobId;
    });
    return until('the job ends', async () => {
      const job = (await arca('GET', `${V}/backupJobs/${jobId}`)).json<Job>();
      return job.properties.status === 'InProgress' ? undefined : job;
    });
  }

  async function pointFolders(): Promise<string[]> {
    const root = join(vmDir, '.arca-restore-points');
    const found: string[] = [];
    for (const collection of await readdir(root).catch(() => [] as string[])) {
      for (const point of await readdir(join(root, collection))) found.push(join(root, collection, point));
    }
    return found;
  }

  /** The newest recovery point's manifest, read from the vault's repository folder. */
  async function newestManifest(): Promise<RecoveryPointManifest> {
    const passphrase = (await readFile(join(dataDir, REPOSITORY_PASSPHRASE_FILE), 'utf8')).trim();
    const repo = await Repository.open(new LocalFsBlobStore(join(dataDir, REPOSITORY_FOLDER)), { passphrase, clock: systemClock });
    const ids = await listPointIds(repo);
    return loadPoint(repo, ids.at(-1) ?? assert.fail('the repository holds no point'));
  }

  /** Backs up now; returns the instant-tier folder the backup's snapshots went to. */
  async function backupNow(): Promise<string> {
    const earlier = await pointFolders();
    const asked = await arca('POST', `${ITEM}/backup`, { properties: { objectType: 'IaasVMBackupRequest' } });
    assert.equal(asked.status, 202, asked.body);
    const job = await finishedJob(String(asked.headers['azure-asyncoperation']));
    assert.equal(job.properties.status, 'Completed', JSON.stringify(job.properties.errorDetails ?? job));
    assert.deepEqual(job.properties.extendedInfo.tasksList.map((t) => [t.taskId, t.status]), [['Take Snapshot', 'Completed'], ['Transfer data to vault', 'Completed']]);
    const added = (await pointFolders()).filter((folder) => !earlier.includes(folder));
    assert.equal(added.length, 1, 'the backup kept its snapshots as one instant point beside the disks');
    return added[0] as string;
  }

  it('registers the machine with arca agent register and runs arca agent run until the vault sees it Ready', async () => {
    const location = 'westeurope';
    assert.equal((await arca('PUT', RG, { location }, '2021-04-01')).status, 201);
    const vm = await arca('PUT', VM, {
      location,
      properties: { hardwareProfile: { vmSize: 'Standard_B2s' }, storageProfile: { osDisk: { name: 'os', diskSizeGB: 1, osType: 'Linux' }, dataDisks: [{ lun: 0, name: 'dense', diskSizeGB: 1 }, { lun: 1, name: 'sparse', diskSizeGB: 1 }] } },
    }, '2024-03-01');
    assert.equal(vm.status, 201, vm.body);
    const vmId = vm.json<{ properties: { vmId: string } }>().properties.vmId;
    assert.equal((await arca('PUT', V, { location, sku: { name: 'Standard' }, properties: {} }, '2023-04-01')).status, 201);
    const slot = latestHalfHour(Date.now()).toISOString();
    const policy = await arca('PUT', `${V}/backupPolicies/daily`, {
      properties: {
        backupManagementType: 'AzureIaasVM',
        policyType: 'V1',
        timeZone: 'UTC',
        instantRpRetentionRangeInDays: 2,
        schedulePolicy: { schedulePolicyType: 'SimpleSchedulePolicy', scheduleRunFrequency: 'Daily', scheduleRunTimes: [slot] },
        retentionPolicy: { retentionPolicyType: 'LongTermRetentionPolicy', dailySchedule: { retentionTimes: [slot], retentionDuration: { count: 30, durationType: 'Days' } } },
      },
    });
    assert.equal(policy.status, 200, policy.body);
    const token = await arca('POST', '/arca/registrationTokens', { machineId: vmId, expiresInMinutes: 60 }, '2026-11-01');
    assert.equal(token.status, 201, token.body);
    const { secret, caFingerprint } = token.json<{ secret: string; caFingerprint: string }>();

    const config = join(work, 'agent.conf');
    await writeFile(join(work, 'vmsnapshot.json'), JSON.stringify({ freezeTimeoutSeconds: 30, loadTimeoutSeconds: 20 }));
    await writeFile(
      config,
      [
        `Lib.Dir=${join(work, 'agent-lib')}`,
        `Extension.LogDir=${join(work, 'agent-log')}`,
        'Extensions.GoalStatePeriod=1',
        `VmSnapshot.ConfigFile=${join(work, 'vmsnapshot.json')}`,
        `Disks=${DISKS.map((name) => `${name}:${disk(name)}`).join(',')}`,
        '',
      ].join('\n'),
    );
    const registered = await runArca(['agent', 'register', '--config', config, '--vault', arm.info.url, '--machine-id', vmId, '--token', secret, '--ca-fingerprint', caFingerprint]);
    assert.equal(registered.code, 0, registered.stderr);
    assert.match(registered.stdout, /Registered machine/);

    agent = spawn(process.execPath, [ARCA_BIN, 'agent', 'run', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout?.setEncoding('utf8').on('data', (chunk: string) => (agentOutput += chunk));
    agent.stderr?.setEncoding('utf8').on('data', (chunk: string) => (agentOutput += chunk));
    const view = await until('the agent reports Ready', async () => {
      const v = (await arca('GET', `${VM}/instanceView`, undefined, '2024-03-01')).json<{ osName?: string; vmAgent: { statuses: { displayStatus: string }[] } }>();
      return v.vmAgent.statuses[0]?.displayStatus === 'Ready' ? v : undefined;
    });
    assert.ok(view.osName, 'the agent reported the operating system when it registered');
    const disks = (await arca('GET', VM, undefined, '2024-03-01')).json<{ properties: { storageProfile: { osDisk: { path: string; encryption: { type: string } } } } }>();
    assert.equal(disks.properties.storageProfile.osDisk.path, disk('os'));
    assert.equal(disks.properties.storageProfile.osDisk.encryption.type, 'None', 'an ext4 disk has no LUKS header');

    const protect = await arca('PUT', ITEM, { properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', sourceResourceId: `/subscriptions/${arm.info.subscriptionId}${VM}`, policyId: `/subscriptions/${arm.info.subscriptionId}${V}/backupPolicies/daily` } });
    assert.equal(protect.status, 202, protect.body);
  });

  it('backs up: a real freeze and reflink snapshot, both tasks Completed, a FileSystemConsistent point', async () => {
    points.push(await backupNow());
    const listed = (await arca('GET', `${ITEM}/recoveryPoints`)).json<{ value: { name: string; properties: { recoveryPointType: string } }[] }>();
    assert.equal(listed.value.length, 1);
    assert.equal(listed.value[0]?.properties.recoveryPointType, 'FileSystemConsistent');
    assert.match(agentOutput, /snapshot task ended/);
    // The extension got the upload channel's credentials in its protected settings, readable by root only, and never the repository's passphrase.
    const configDir = join(work, 'agent-lib', 'Arca.Backup.VMSnapshotLinux-1.0.0', 'config');
    const passphrase = (await readFile(join(dataDir, 'repository-passphrase'), 'utf8')).trim();
    for (const name of await readdir(configDir)) {
      const text = await readFile(join(configDir, name), 'utf8');
      assert.equal((await stat(join(configDir, name))).mode & 0o777, 0o600, `${name} is private`);
      assert.ok(!text.includes(passphrase), `${name} does not carry the repository passphrase`);
      assert.match(text, /"vault"/);
    }
  });

  it('backs up again after files and blocks changed', async () => {
    await writeFile(join(ext4Mount, 'hello.txt'), 'second version\n');
    await writeFile(join(ext4Mount, 'more.bin'), randomBytes(2 * MIB));
    await run('sync', ['-f', join(ext4Mount, 'more.bin')]);
    for (const offset of [MIB, 9 * MIB + 4096]) await writeAt(disk('dense'), offset, randomBytes(128 * 1024));
    const first = await newestManifest();
    points.push(await backupNow());
    const listed = (await arca('GET', `${ITEM}/recoveryPoints`)).json<{ value: { name: string }[] }>();
    assert.equal(listed.value.length, 2);
    // Change tracking over the upload channel: the machine's kept chunk ids, vouched for by the first
    // point's manifest, let the second backup skip the chunks both snapshots still share.
    const second = await newestManifest();
    assert.notEqual(second.id, first.id);
    const sizes = second.disks.reduce((sum, d) => sum + d.size, 0);
    for (const d of second.disks) {
      assert.equal(d.reading?.previousPoint, first.id, `${d.name}: ${d.reading?.fullReadReason ?? 'no reading recorded'}`);
      assert.ok((d.reading?.bytesSkipped ?? 0) > 0, `${d.name} skipped unchanged chunks`);
    }
    assert.ok(second.stats.bytesRead < sizes, `the second backup read ${second.stats.bytesRead} of ${sizes} bytes`);
    assert.ok(second.stats.bytesRead > 0, 'it read the rewritten blocks');
  });

  it('restores both points with RestoreDisks, each disk cmp-equal to what its backup saw', async () => {
    const account = `${RG}/providers/Microsoft.Storage/storageAccounts/restoresa`;
    assert.ok([200, 201].includes((await arca('PUT', account, { location: 'westeurope', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }, '2023-01-01')).status));
    const listed = (await arca('GET', `${ITEM}/recoveryPoints`)).json<{ value: { name: string }[] }>();
    // A recovery point is named as its instant point, whose folder holds the snapshots the backup read.
    assert.deepEqual(listed.value.map((p) => p.name).toSorted(), points.map((folder) => basename(folder)).toSorted());
    for (const [i, folder] of points.entries()) {
      const point = { name: basename(folder) };
      const asked = await arca('POST', `${ITEM}/recoveryPoints/${point.name}/restore`, {
        properties: { objectType: 'IaasVMRestoreRequest', recoveryType: 'RestoreDisks', sourceResourceId: `/subscriptions/${arm.info.subscriptionId}${VM}`, storageAccountId: `/subscriptions/${arm.info.subscriptionId}${account}`, region: 'westeurope' },
      });
      assert.equal(asked.status, 202, asked.body);
      const operation = String(asked.headers['azure-asyncoperation']);
      const job = await finishedJob(operation);
      assert.equal(job.properties.status, 'Completed', JSON.stringify(job.properties.errorDetails ?? job));
      const jobId = (await arm.request('GET', operation)).json<{ properties: { jobId: string } }>().properties.jobId;
      const restored = join(dataDir, 'storage-accounts', 'restoresa', `arca-restore-${jobId}`);
      for (const name of DISKS) {
        const compared = await run('cmp', [join(restored, `${name}.img`), join(folder, `${name}.img`)]).then(() => 'equal', (error: { stdout?: string }) => error.stdout ?? 'differ');
        assert.equal(compared, 'equal', `disk ${name} of point ${i + 1} restored byte for byte`);
      }
      // The restored ext4 file system holds the file as it was when that backup froze it.
      const hello = await run('debugfs', ['-R', 'cat /hello.txt', join(restored, 'os.img')]);
      assert.equal(hello.stdout, i === 0 ? 'first version\n' : 'second version\n');
    }
    // The two points differ where the data changed, so each comparison above was against its own backup.
    const changed = await run('cmp', [join(points[0] as string, 'dense.img'), join(points[1] as string, 'dense.img')]).then(() => false, () => true);
    assert.ok(changed, 'the second backup saw the rewritten blocks');
  });

  it('fires a scheduled backup when its policy slot comes due', async () => {
    // As if the vault had last planned the item yesterday: the slot of the last half hour is due at the next tick.
    const store = SqliteMetadataStore.open(join(dataDir, 'metadata.db'));
    try {
      const plan = await store.get<SchedulePlan>(SCHEDULE_PLANS, `/subscriptions/${arm.info.subscriptionId}${ITEM}`.toLowerCase());
      assert.ok(plan, "protecting the item started the item's plan");
      await store.put<SchedulePlan>(SCHEDULE_PLANS, { id: plan.id, data: { ...plan.data, plannedThrough: new Date(Date.now() - 86_400_000).toISOString() }, index: plan.index }, { expectedVersion: plan.version });
    } finally {
      await store.close();
    }
    const scheduled = await until('a scheduled backup ends', async () => {
      const jobs = (await arca('GET', `${V}/backupJobs?$filter=${encodeURIComponent("operation eq 'Backup'")}`)).json<{ value: Job[] }>();
      return jobs.value.find((job) => job.properties.isUserTriggered === false && job.properties.status !== 'InProgress');
    });
    assert.equal(scheduled.properties.status, 'Completed', JSON.stringify(scheduled.properties.errorDetails ?? scheduled));
    assert.equal((await arca('GET', `${ITEM}/recoveryPoints`)).json<{ value: unknown[] }>().value.length, 3);
  });
});
