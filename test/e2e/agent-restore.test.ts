import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { access, mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { ARCA_BIN, runArca, startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';

/**
 * Restore to the original location from an instant point, end to end with real processes on
 * loopback (`arca server`, `arca agent run`, the VMSnapshot extension): the vault hands the
 * machine's agent a `restore` task, and the extension takes a safety point of the disks as they are,
 * then clones the point's snapshots back over them. The disks live on XFS with reflink (an image on
 * a loop device); `os` holds a real ext4 file system on a second loop device, so "a mounted disk is
 * refused" is a real mount. Setup as in agent-backup.test.ts.
 */
const run = promisify(execFile);
const MIB = 1 << 20;
const BACKUP = '2023-06-01';
const COMPUTE = '2024-03-01';
const RG = '/resourceGroups/prod';
const V = `${RG}/providers/Microsoft.RecoveryServices/vaults/vault1`;
const VM = `${RG}/providers/Microsoft.Compute/virtualMachines/web-1`;
const ITEM = `${V}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;prod;web-1/protectedItems/VM;iaasvmcontainerv2;prod;web-1`;
const ACCOUNT = `${RG}/providers/Microsoft.Storage/storageAccounts/restoresa`;
const HALF_HOUR = 30 * 60_000;
const DISKS = ['os', 'dense', 'sparse'] as const;

async function machineProblem(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root (loop devices, mount)';
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

async function writeAt(path: string, offset: number, data: Uint8Array): Promise<void> {
  const file = await open(path, 'r+');
  try {
    await file.write(data, 0, data.length, offset);
    await file.sync();
  } finally {
    await file.close();
  }
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const same = (a: string, b: string) => run('cmp', [a, b]).then(() => true, () => false);

describe('restore to the original location from an instant point, by the machine\'s agent', { skip: problem ?? false, timeout: 120_000 }, () => {
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
  let point: string;
  const disk = (name: string) => join(vmDir, `${name}.img`);

  async function mountOs(): Promise<void> {
    ext4Loop = (await run('losetup', ['-f', '--show', disk('os')])).stdout.trim();
    await run('mount', [ext4Loop, ext4Mount]);
    ext4Mounted = true;
  }

  async function unmountOs(): Promise<void> {
    if (ext4Mounted) await run('umount', [ext4Mount]);
    ext4Mounted = false;
    if (ext4Loop) await run('losetup', ['-d', ext4Loop]);
    ext4Loop = undefined;
  }

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'arca-e2e-restore-'));
    dataDir = join(work, 'vault');
    xfsMount = join(work, 'xfs');
    ext4Mount = join(work, 'mnt');
    await mkdir(xfsMount);
    await mkdir(ext4Mount);
    const xfsImage = join(work, 'xfs.img');
    await run('truncate', ['-s', '1G', xfsImage]);
    await run('mkfs.xfs', ['-q', '-m', 'reflink=1', xfsImage]);
    xfsLoop = (await run('losetup', ['-f', '--show', xfsImage])).stdout.trim();
    await run('mount', [xfsLoop, xfsMount]);
    xfsMounted = true;
    vmDir = join(xfsMount, 'vms', 'web-1');
    await mkdir(vmDir, { recursive: true });
    await run('truncate', ['-s', '64M', disk('os')]);
    await run('mkfs.ext4', ['-q', '-F', disk('os')]);
    await mountOs();
    await writeFile(join(ext4Mount, 'hello.txt'), 'first version\n');
    await writeFile(join(ext4Mount, 'random.bin'), randomBytes(4 * MIB));
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
    if (ext4Mounted) await run('fsfreeze', ['-u', ext4Mount]).catch(() => undefined);
    if (ext4Mounted) await run('umount', [ext4Mount]).catch(() => undefined);
    if (ext4Loop) await run('losetup', ['-d', ext4Loop]).catch(() => undefined);
    if (xfsMounted) await run('umount', [xfsMount]).catch(() => undefined);
    if (xfsLoop) await run('losetup', ['-d', xfsLoop]).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  });

  const arca = (method: string, path: string, body?: unknown, apiVersion = BACKUP) => arm.request(method, path, { apiVersion, ...(body === undefined ? {} : { body }) });

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
    properties: {
      status: string;
      errorDetails?: { errorCode?: string; code?: string; errorString?: string }[];
      extendedInfo: { tasksList: { taskId: string; status: string }[]; propertyBag?: Record<string, string> };
    };
  }

  async function finishedJob(operation: string): Promise<Job> {
    const jobId = await until('the operation names its job', async () => (await arm.request('GET', operation)).json<{ properties?: { jobId?: string } }>().properties?.jobId);
    return until('the job ends', async () => {
      const job = (await arca('GET', `${V}/backupJobs/${jobId}`)).json<Job>();
      return job.properties.status === 'InProgress' ? undefined : job;
    });
  }

  async function pointFolders(): Promise<string[]> {
    const root = join(vmDir, '.arca-restore-points');
    const found: string[] = [];
    for (const collection of await readdir(root).catch(() => [] as string[])) {
      for (const name of await readdir(join(root, collection))) found.push(join(root, collection, name));
    }
    return found;
  }

  const restoreBody = () => ({
    properties: {
      objectType: 'IaasVMRestoreRequest',
      recoveryType: 'OriginalLocation',
      sourceResourceId: `/subscriptions/${arm.info.subscriptionId}${VM}`,
      storageAccountId: `/subscriptions/${arm.info.subscriptionId}${ACCOUNT}`,
      region: 'westeurope',
    },
  });

  it('sets up: a registered machine with its agent Ready, protected, backed up once', async () => {
    const location = 'westeurope';
    assert.equal((await arca('PUT', RG, { location }, '2021-04-01')).status, 201);
    const vm = await arca('PUT', VM, {
      location,
      properties: { hardwareProfile: { vmSize: 'Standard_B2s' }, storageProfile: { osDisk: { name: 'os', diskSizeGB: 1, osType: 'Linux' }, dataDisks: [{ lun: 0, name: 'dense', diskSizeGB: 1 }, { lun: 1, name: 'sparse', diskSizeGB: 1 }] } },
    }, COMPUTE);
    assert.equal(vm.status, 201, vm.body);
    const vmId = vm.json<{ properties: { vmId: string } }>().properties.vmId;
    assert.equal((await arca('PUT', V, { location, sku: { name: 'Standard' }, properties: {} }, '2023-04-01')).status, 201);
    assert.ok([200, 201].includes((await arca('PUT', ACCOUNT, { location, sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }, '2023-01-01')).status));
    const slot = new Date(Math.floor(Date.now() / HALF_HOUR) * HALF_HOUR).toISOString();
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
    agent = spawn(process.execPath, [ARCA_BIN, 'agent', 'run', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout?.setEncoding('utf8').on('data', (chunk: string) => (agentOutput += chunk));
    agent.stderr?.setEncoding('utf8').on('data', (chunk: string) => (agentOutput += chunk));
    await until('the agent reports Ready', async () => {
      const v = (await arca('GET', `${VM}/instanceView`, undefined, COMPUTE)).json<{ vmAgent: { statuses: { displayStatus: string }[] } }>();
      return v.vmAgent.statuses[0]?.displayStatus === 'Ready' ? v : undefined;
    });
    const protect = await arca('PUT', ITEM, { properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', sourceResourceId: `/subscriptions/${arm.info.subscriptionId}${VM}`, policyId: `/subscriptions/${arm.info.subscriptionId}${V}/backupPolicies/daily` } });
    assert.equal(protect.status, 202, protect.body);

    const asked = await arca('POST', `${ITEM}/backup`, { properties: { objectType: 'IaasVMBackupRequest' } });
    assert.equal(asked.status, 202, asked.body);
    const job = await finishedJob(String(asked.headers['azure-asyncoperation']));
    assert.equal(job.properties.status, 'Completed', JSON.stringify(job.properties.errorDetails ?? job));
    const folders = await pointFolders();
    assert.equal(folders.length, 1);
    point = folders[0] as string;
  });

  it('refuses over a running machine, then (machine stopped) the agent refuses while a disk is still mounted', async () => {
    // The disks change after the backup: files in the ext4 file system, blocks of the raw disks.
    await writeFile(join(ext4Mount, 'hello.txt'), 'changed after the backup\n');
    await run('sync', ['-f', join(ext4Mount, 'hello.txt')]);
    await writeAt(disk('dense'), 3 * MIB, randomBytes(256 * 1024));
    await writeAt(disk('sparse'), 20 * MIB, randomBytes(65536));
    const running = await arca('POST', `${ITEM}/recoveryPoints/${basename(point)}/restore`, restoreBody());
    assert.equal(running.status, 409, running.body);
    assert.match(running.body, /UserErrorRestoreTargetVmRunning/);

    assert.equal((await arca('POST', `${VM}/powerOff`, undefined, COMPUTE)).status, 200);
    const asked = await arca('POST', `${ITEM}/recoveryPoints/${basename(point)}/restore`, restoreBody());
    assert.equal(asked.status, 202, asked.body);
    const job = await finishedJob(String(asked.headers['azure-asyncoperation']));
    assert.equal(job.properties.status, 'Failed');
    assert.match(JSON.stringify(job.properties.errorDetails), /UserErrorRestoreTargetVmRunning/);
    assert.match(JSON.stringify(job.properties.errorDetails), /mounted at/);
    assert.ok(!(await same(disk('dense'), join(point, 'dense.img'))), 'a refused restore wrote nothing');
    assert.ok(!(await pointFolders()).some((f) => basename(f).startsWith('before-restore-')), 'and took no safety point');
  });

  it('restores the stopped machine: a safety point equal to the disks before, then each disk cmp-equal to the snapshot', async () => {
    await unmountOs();
    const beforeRestore = Object.fromEntries(await Promise.all(DISKS.map(async (name) => [name, await sha256(disk(name))] as const)));
    const asked = await arca('POST', `${ITEM}/recoveryPoints/${basename(point)}/restore`, restoreBody());
    assert.equal(asked.status, 202, asked.body);
    const job = await finishedJob(String(asked.headers['azure-asyncoperation']));
    assert.equal(job.properties.status, 'Completed', JSON.stringify(job.properties.errorDetails ?? job));
    assert.deepEqual(job.properties.extendedInfo.tasksList.map((t) => t.status), ['Completed', 'Completed']);
    for (const name of DISKS) assert.ok(await same(disk(name), join(point, `${name}.img`)), `disk ${name} equals the point's snapshot`);

    const safety = (await pointFolders()).filter((f) => basename(f).startsWith('before-restore-'));
    assert.equal(safety.length, 1, 'one safety point, beside the instant points');
    for (const name of DISKS) assert.equal(await sha256(join(safety[0] as string, `${name}.img`)), beforeRestore[name], `the safety copy of ${name} is the disk as it was before the restore`);
    const bag = job.properties.extendedInfo.propertyBag ?? {};
    assert.match(JSON.stringify(bag), new RegExp(basename(safety[0] as string)), 'the job names the safety point');

    // The ext4 file system is back as the backup froze it.
    await mountOs();
    assert.equal(await readFile(join(ext4Mount, 'hello.txt'), 'utf8'), 'first version\n');
  });
});
