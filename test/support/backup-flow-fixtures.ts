import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import type { RecoveryServicesBackupClient } from '@azure/arm-recoveryservicesbackup';
import { serverProcess, type RunningServer } from './arca-process.ts';
import type { ArmTestClient } from './arm-client.ts';
import { TestAgent } from './test-agent.ts';

export const BACKUP_API = '2023-06-01';
export const ARCA_API = '2026-11-01';
const CLOCK_SERVER = resolve(import.meta.dirname, 'clock-server.ts');
const CLOCK_OFFSET_FILE = 'test-clock-offset-ms';

/** Starts the server composition with a movable clock (test/support/clock-server.ts), on a free port. */
export function startClockServer(dataDir: string, options: Record<string, unknown> = {}): Promise<RunningServer> {
  const all = { dataDir, host: '127.0.0.1', port: 0, logLevel: 'warn', retryAfter: 0, schedulerInterval: 3600, ...options };
  return serverProcess(spawn(process.execPath, [CLOCK_SERVER, JSON.stringify(all)], { stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Moves the clock-server's clock by `ms` more and waits (bounded) until the server's own time shows it. */
export async function moveClock(arm: ArmTestClient, dataDir: string, totalOffsetMs: number): Promise<void> {
  await writeFile(join(dataDir, CLOCK_OFFSET_FILE), String(totalOffsetMs));
  const deadline = Date.now() + 5000;
  for (;;) {
    const health = (await arm.request('GET', `${arm.info.url}/healthz`)).json<{ time: string }>();
    if (Math.abs(Date.parse(health.time) - (Date.now() + totalOffsetMs)) < 2000) return;
    assert.ok(Date.now() < deadline, 'the server did not take the new clock offset');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A disk image of `size` bytes: random data with a zero run in the middle (a sparse region). */
export async function makeDiskImage(path: string, size: number): Promise<Buffer> {
  const data = randomBytes(size);
  data.fill(0, Math.floor(size / 4), Math.floor(size / 2));
  const file = await open(path, 'w');
  await file.writeFile(data);
  await file.close();
  return data;
}

export interface BackupWorld {
  readonly arm: ArmTestClient;
  readonly sdk: RecoveryServicesBackupClient;
  readonly rg: string;
  readonly vault: string;
  readonly location: string;
}

export const containerOf = (rg: string, vm: string) => `IaasVMContainer;iaasvmcontainerv2;${rg};${vm}`;
export const itemOf = (rg: string, vm: string) => `VM;iaasvmcontainerv2;${rg};${vm}`;

/** A resource group, a vault and a daily policy with the given instant retention. */
export async function createVaultWithPolicy(world: BackupWorld, policy: string, instantDays: number): Promise<string> {
  const { arm, rg, vault, location } = world;
  const group = await arm.request('PUT', `/resourcegroups/${rg}`, { apiVersion: '2021-04-01', body: { location } });
  assert.ok(group.status === 200 || group.status === 201, group.body);
  const created = await arm.request('PUT', `/resourceGroups/${rg}/providers/Microsoft.RecoveryServices/vaults/${vault}`, { apiVersion: '2026-07-01', body: { location } });
  assert.ok(created.status === 200 || created.status === 201, created.body);
  const t = '2026-01-01T22:30:00Z';
  const put = await arm.request('PUT', `/resourceGroups/${rg}/providers/Microsoft.RecoveryServices/vaults/${vault}/backupPolicies/${policy}`, {
    apiVersion: BACKUP_API,
    body: {
      properties: {
        backupManagementType: 'AzureIaasVM',
        policyType: 'V1',
        schedulePolicy: { schedulePolicyType: 'SimpleSchedulePolicy', scheduleRunFrequency: 'Daily', scheduleRunTimes: [t] },
        retentionPolicy: { retentionPolicyType: 'LongTermRetentionPolicy', dailySchedule: { retentionTimes: [t], retentionDuration: { count: 30, durationType: 'Days' } } },
        instantRpRetentionRangeInDays: instantDays,
        timeZone: 'UTC',
      },
    },
  });
  assert.equal(put.status, 200, put.body);
  return put.json<{ id: string }>().id;
}

export interface ProtectedVm {
  readonly name: string;
  readonly id: string;
  readonly vmId: string;
  readonly images: readonly { readonly name: string; readonly path: string; readonly data: Buffer }[];
}

/** A VM created by PUT with an OS disk and one data disk whose images are real files, protected with the policy. */
export async function protectedVm(world: BackupWorld, name: string, policyId: string, dir: string, sizes: readonly number[] = [3 << 20, 2 << 20]): Promise<ProtectedVm> {
  const { arm, rg, location } = world;
  const images = [];
  for (const [i, size] of sizes.entries()) {
    const diskName = i === 0 ? `${name}-os` : `${name}-data${i}`;
    const path = join(dir, `${diskName}.raw`);
    images.push({ name: diskName, path, data: await makeDiskImage(path, size) });
  }
  const created = await arm.request('PUT', `/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`, {
    apiVersion: '2024-03-01',
    body: {
      location,
      properties: {
        hardwareProfile: { vmSize: 'Standard_B2s' },
        storageProfile: {
          osDisk: { name: images[0]?.name, diskSizeGB: 30, osType: 'Linux' },
          dataDisks: images.slice(1).map((image, i) => ({ lun: i, name: image.name, diskSizeGB: 10 })),
        },
      },
    },
  });
  assert.ok(created.status === 200 || created.status === 201, created.body);
  const vm = created.json<{ id: string; properties: { vmId: string } }>();
  await world.sdk.protectedItems.createOrUpdate(world.vault, rg, 'Azure', containerOf(rg, name), itemOf(rg, name), {
    properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', sourceResourceId: vm.id, policyId } as never,
  });
  return { name, id: vm.id, vmId: vm.properties.vmId, images };
}

/** Registers a test agent for the VM with a fresh one-time registration token (Owner creates it). */
export async function registerAgent(world: BackupWorld, vm: ProtectedVm, serverDataDir: string, workDir: string): Promise<TestAgent> {
  const token = await world.arm.request('POST', '/arca/registrationTokens', { apiVersion: ARCA_API, body: { machineId: vm.vmId, expiresInMinutes: 60 } });
  assert.equal(token.status, 201, token.body);
  return TestAgent.register(
    { url: world.arm.info.url, ca: world.arm.ca, serverDataDir, machineId: vm.vmId, disks: vm.images.map(({ name, path }) => ({ name, path })), workDir },
    token.json<{ secret: string }>().secret,
  );
}

/** Backup now through the SDK; the operation id from Azure-AsyncOperation. */
export async function backupNow(world: BackupWorld, vm: string, expiry?: Date): Promise<{ operationId: string; asyncOperation: string; location: string }> {
  let asyncOperation = '';
  let location = '';
  await world.sdk.backups.trigger(
    world.vault,
    world.rg,
    'Azure',
    containerOf(world.rg, vm),
    itemOf(world.rg, vm),
    { properties: { objectType: 'IaasVMBackupRequest', ...(expiry ? { recoveryPointExpiryTimeInUTC: expiry } : {}) } },
    {
      onResponse: (raw) => {
        asyncOperation = raw.headers.get('azure-asyncoperation') ?? '';
        location = raw.headers.get('location') ?? '';
      },
    },
  );
  return { operationId: new URL(asyncOperation).pathname.split('/').at(-1) ?? '', asyncOperation, location };
}

/** Polls the vault-level operation status through the SDK until it leaves InProgress (bounded). */
export async function waitForOperation(world: BackupWorld, operationId: string, timeoutMs = 15_000): Promise<{ status: string; jobId: string; error?: { code?: string } }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await world.sdk.backupOperationStatuses.get(world.vault, world.rg, operationId);
    const jobId = (status.properties as { jobId?: string } | undefined)?.jobId ?? '';
    if (status.status !== 'InProgress') return { status: status.status ?? '', jobId, ...(status.error ? { error: status.error } : {}) };
    assert.ok(Date.now() < deadline, `operation ${operationId} still in progress`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Polls the job (raw ARM, any language) until `until` holds (bounded). */
export async function waitForJob<T extends { properties: { status: string; extendedInfo: { tasksList: { taskId: string; status: string }[] } } }>(
  world: BackupWorld,
  jobName: string,
  until: (job: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await world.arm.request('GET', `/resourceGroups/${world.rg}/providers/Microsoft.RecoveryServices/vaults/${world.vault}/backupJobs/${jobName}`, { apiVersion: BACKUP_API })).json<T>();
    if (until(job)) return job;
    assert.ok(Date.now() < deadline, `job ${jobName} did not get there: ${JSON.stringify(job.properties.status)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
