import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { access, mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { ARCA_BIN, runArca, startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import type { HttpsResponse } from '../support/https-client.ts';

/**
 * One machine and its vault on this host, with real processes on loopback, for the end-to-end
 * tests: `arca server`, and a VM whose disks are image files on an XFS file system with reflink
 * (itself an image on a loop device). `os` holds a real ext4 file system attached through a second
 * loop device and mounted, so a freeze is a real fsfreeze and a snapshot a real reflink clone;
 * `dense` is random data, `sparse` mostly holes. `protectWithAgent` registers the machine with
 * `arca agent register`, runs `arca agent run` and protects it, as README's walk-through does.
 */
export const run = promisify(execFile);
export const MIB = 1 << 20;
export const BACKUP = '2023-06-01';
export const COMPUTE = '2024-03-01';
export const RG = '/resourceGroups/prod';
export const V = `${RG}/providers/Microsoft.RecoveryServices/vaults/vault1`;
export const VM = `${RG}/providers/Microsoft.Compute/virtualMachines/web-1`;
export const ITEM = `${V}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;prod;web-1/protectedItems/VM;iaasvmcontainerv2;prod;web-1`;
export const DISKS = ['os', 'dense', 'sparse'] as const;
const HALF_HOUR = 30 * 60_000;
const LOCATION = 'westeurope';

/** Why this machine cannot run the tests (root, loop devices, XFS with reflink, fsfreeze), or undefined. */
export async function machineProblem(): Promise<string | undefined> {
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

/** Run times fall on the hour or the half hour: the latest such instant, which the scheduler finds due once its plan is behind. */
export const latestHalfHour = (now: number) => new Date(Math.floor(now / HALF_HOUR) * HALF_HOUR);

export async function writeAt(path: string, offset: number, data: Uint8Array): Promise<void> {
  const file = await open(path, 'r+');
  try {
    await file.write(data, 0, data.length, offset);
    await file.sync();
  } finally {
    await file.close();
  }
}

export const same = (a: string, b: string) => run('cmp', [a, b]).then(() => true, () => false);

export interface Job {
  properties: {
    status: string;
    operation: string;
    isUserTriggered?: boolean;
    errorDetails?: { errorCode?: string; code?: string; errorString?: string }[];
    extendedInfo: { tasksList: { taskId: string; status: string }[]; propertyBag?: Record<string, string> };
  };
}

export class OneHost {
  readonly work: string;
  readonly dataDir: string;
  readonly xfsMount: string;
  readonly ext4Mount: string;
  readonly vmDir: string;
  server: RunningServer | undefined;
  arm!: ArmTestClient;
  agent: ChildProcess | undefined;
  agentOutput = '';
  vmId = '';
  #xfsLoop: string | undefined;
  #ext4Loop: string | undefined;
  #xfsMounted = false;
  #ext4Mounted = false;

  private constructor(work: string) {
    this.work = work;
    this.dataDir = join(work, 'vault');
    this.xfsMount = join(work, 'xfs');
    this.ext4Mount = join(work, 'mnt');
    this.vmDir = join(this.xfsMount, 'vms', 'web-1');
  }

  /** Makes the file systems and disks, and starts the server. */
  static async create(prefix: string): Promise<OneHost> {
    const host = new OneHost(await mkdtemp(join(tmpdir(), prefix)));
    await mkdir(host.xfsMount);
    await mkdir(host.ext4Mount);
    const xfsImage = join(host.work, 'xfs.img');
    await run('truncate', ['-s', '1G', xfsImage]);
    await run('mkfs.xfs', ['-q', '-m', 'reflink=1', xfsImage]);
    host.#xfsLoop = (await run('losetup', ['-f', '--show', xfsImage])).stdout.trim();
    await run('mount', [host.#xfsLoop, host.xfsMount]);
    host.#xfsMounted = true;
    await mkdir(host.vmDir, { recursive: true });
    await run('truncate', ['-s', '64M', host.disk('os')]);
    await run('mkfs.ext4', ['-q', '-F', host.disk('os')]);
    await host.mountOs();
    await writeFile(join(host.ext4Mount, 'hello.txt'), 'first version\n');
    await writeFile(join(host.ext4Mount, 'random.bin'), randomBytes(4 * MIB));
    await writeFile(host.disk('dense'), randomBytes(16 * MIB));
    await run('truncate', ['-s', '96M', host.disk('sparse')]);
    for (const offset of [0, 40 * MIB, 96 * MIB - 65536]) await writeAt(host.disk('sparse'), offset, randomBytes(65536));
    host.server = await startServer(host.dataDir, ['--scheduler-interval', '1']);
    host.arm = await ArmTestClient.forDataDir(host.dataDir, (await readFile(join(host.dataDir, 'admin-token'), 'utf8')).trim());
    return host;
  }

  disk(name: string): string {
    return join(this.vmDir, `${name}.img`);
  }

  async mountOs(): Promise<void> {
    this.#ext4Loop = (await run('losetup', ['-f', '--show', this.disk('os')])).stdout.trim();
    await run('mount', [this.#ext4Loop, this.ext4Mount]);
    this.#ext4Mounted = true;
  }

  async unmountOs(): Promise<void> {
    if (this.#ext4Mounted) await run('umount', [this.ext4Mount]);
    this.#ext4Mounted = false;
    if (this.#ext4Loop) await run('losetup', ['-d', this.#ext4Loop]);
    this.#ext4Loop = undefined;
  }

  /** Stops the agent and the server and takes everything down; thaws first, since a frozen file system holds its unmount forever. */
  async close(): Promise<void> {
    if (this.agent && this.agent.exitCode === null) {
      const exited = once(this.agent, 'exit');
      this.agent.kill('SIGTERM');
      await exited;
    }
    await this.server?.stop();
    if (this.#ext4Mounted) await run('fsfreeze', ['-u', this.ext4Mount]).catch(() => undefined);
    if (this.#ext4Mounted) await run('umount', [this.ext4Mount]).catch(() => undefined);
    if (this.#ext4Loop) await run('losetup', ['-d', this.#ext4Loop]).catch(() => undefined);
    if (this.#xfsMounted) await run('umount', [this.xfsMount]).catch(() => undefined);
    if (this.#xfsLoop) await run('losetup', ['-d', this.#xfsLoop]).catch(() => undefined);
    await rm(this.work, { recursive: true, force: true });
  }

  arca(method: string, path: string, body?: unknown, apiVersion = BACKUP): Promise<HttpsResponse> {
    return this.arm.request(method, path, { apiVersion, ...(body === undefined ? {} : { body }) });
  }

  /** Polls until `probe` gives a value (bounded); the agent's log tail explains a timeout. */
  async until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 40_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      assert.ok(Date.now() < deadline, `${what} within ${timeoutMs} ms; agent log:\n${this.agentOutput.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** An on-demand backup of the protected machine (asserting it was accepted), followed to its job's end. */
  async backupNow(): Promise<Job> {
    const asked = await this.arca('POST', `${ITEM}/backup`, { properties: { objectType: 'IaasVMBackupRequest' } });
    assert.equal(asked.status, 202, asked.body);
    return this.finishedJob(String(asked.headers['azure-asyncoperation']));
  }

  /** Creates (or updates) the storage account at `account`, a path under the subscription, in westeurope. */
  async createStorageAccount(account: string): Promise<void> {
    const answer = await this.arca('PUT', account, { location: 'westeurope', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }, '2023-01-01');
    assert.ok([200, 201].includes(answer.status), answer.body);
  }

  /**
   * Asks for an OriginalLocation restore of `point` (a recovery point's id or name) with the restore
   * staged through the storage account `account` (a path under the subscription).
   */
  restoreOriginal(point: string, account: string): Promise<HttpsResponse> {
    const subscription = `/subscriptions/${this.arm.info.subscriptionId}`;
    return this.arca('POST', `${ITEM}/recoveryPoints/${basename(point)}/restore`, {
      properties: { objectType: 'IaasVMRestoreRequest', recoveryType: 'OriginalLocation', sourceResourceId: `${subscription}${VM}`, storageAccountId: `${subscription}${account}`, region: 'westeurope' },
    });
  }

  /** Follows an operation to its job, and the job to its end. */
  async finishedJob(operation: string): Promise<Job> {
    const jobId = await this.until('the operation names its job', async () => (await this.arm.request('GET', operation)).json<{ properties?: { jobId?: string } }>().properties?.jobId);
    return this.until('the job ends', async () => {
      const job = (await this.arca('GET', `${V}/backupJobs/${jobId}`)).json<Job>();
      return job.properties.status === 'InProgress' ? undefined : job;
    });
  }

  /** The instant-tier folders beside the disks, one per kept point. */
  async pointFolders(): Promise<string[]> {
    const root = join(this.vmDir, '.arca-restore-points');
    const found: string[] = [];
    for (const collection of await readdir(root).catch(() => [] as string[])) {
      for (const point of await readdir(join(root, collection))) found.push(join(root, collection, point));
    }
    return found;
  }

  /**
   * The VM, its vault and a daily policy whose slot is the latest half hour; registration with a
   * one-time token pinned to the vault's CA; `arca agent run` until the vault sees it Ready. Returns
   * what `arca agent register` printed. Protection is left to `protect()`. `vaultUrl`: where the
   * machine reaches the vault (another address on the way to the same server, such as a relay);
   * `extraConfig`: more lines of agent.conf (such as HttpProxy.*).
   */
  async registerAgent(vaultUrl = this.arm.info.url, extraConfig: readonly string[] = []): Promise<{ registered: string }> {
    assert.equal((await this.arca('PUT', RG, { location: LOCATION }, '2021-04-01')).status, 201);
    const vm = await this.arca('PUT', VM, {
      location: LOCATION,
      properties: { hardwareProfile: { vmSize: 'Standard_B2s' }, storageProfile: { osDisk: { name: 'os', diskSizeGB: 1, osType: 'Linux' }, dataDisks: [{ lun: 0, name: 'dense', diskSizeGB: 1 }, { lun: 1, name: 'sparse', diskSizeGB: 1 }] } },
    }, COMPUTE);
    assert.equal(vm.status, 201, vm.body);
    this.vmId = vm.json<{ properties: { vmId: string } }>().properties.vmId;
    assert.equal((await this.arca('PUT', V, { location: LOCATION, sku: { name: 'Standard' }, properties: {} }, '2023-04-01')).status, 201);
    const slot = latestHalfHour(Date.now()).toISOString();
    const policy = await this.arca('PUT', `${V}/backupPolicies/daily`, {
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
    const token = await this.arca('POST', '/arca/registrationTokens', { machineId: this.vmId, expiresInMinutes: 60 }, '2026-11-01');
    assert.equal(token.status, 201, token.body);
    const { secret, caFingerprint } = token.json<{ secret: string; caFingerprint: string }>();
    const config = join(this.work, 'agent.conf');
    await writeFile(join(this.work, 'vmsnapshot.json'), JSON.stringify({ freezeTimeoutSeconds: 30, loadTimeoutSeconds: 20 }));
    await writeFile(
      config,
      [
        `Lib.Dir=${join(this.work, 'agent-lib')}`,
        `Extension.LogDir=${join(this.work, 'agent-log')}`,
        'Extensions.GoalStatePeriod=1',
        `VmSnapshot.ConfigFile=${join(this.work, 'vmsnapshot.json')}`,
        `Disks=${DISKS.map((name) => `${name}:${this.disk(name)}`).join(',')}`,
        ...extraConfig,
        '',
      ].join('\n'),
    );
    const registered = await runArca(['agent', 'register', '--config', config, '--vault', vaultUrl, '--machine-id', this.vmId, '--token', secret, '--ca-fingerprint', caFingerprint]);
    assert.equal(registered.code, 0, registered.stderr);
    this.agent = spawn(process.execPath, [ARCA_BIN, 'agent', 'run', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.agent.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.agentOutput += chunk));
    this.agent.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.agentOutput += chunk));
    return { registered: registered.stdout };
  }

  /** Waits until the vault sees the agent Ready; returns the instance view. */
  readyView(): Promise<{ osName?: string; vmAgent: { statuses: { displayStatus: string }[] } }> {
    return this.until('the agent reports Ready', async () => {
      const view = (await this.arca('GET', `${VM}/instanceView`, undefined, COMPUTE)).json<{ osName?: string; vmAgent: { statuses: { displayStatus: string }[] } }>();
      return view.vmAgent.statuses[0]?.displayStatus === 'Ready' ? view : undefined;
    });
  }

  /** Protects the VM with the daily policy. */
  async protect(): Promise<void> {
    const sub = `/subscriptions/${this.arm.info.subscriptionId}`;
    const protect = await this.arca('PUT', ITEM, { properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', sourceResourceId: `${sub}${VM}`, policyId: `${sub}${V}/backupPolicies/daily` } });
    assert.equal(protect.status, 202, protect.body);
  }
}
