import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AzureIaaSVMJob, JobResource, RecoveryServicesBackupClient } from '@azure/arm-recoveryservicesbackup';
import { SqliteMetadataStore } from '../../src/server/persistence/index.ts';
import { SCHEDULE_PLANS, type SchedulePlan } from '../../src/server/scheduler/index.ts';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { sdkClients, StoreSeeder } from '../support/backup-fixtures.ts';

const BACKUP = '2023-06-01';
const VAULTS = '2026-07-01';
const VAULT = '/resourceGroups/backup-rg/providers/Microsoft.RecoveryServices/vaults/vault-one';
const item = (vm: string) => `${VAULT}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;app-rg;${vm}/protectedItems/VM;iaasvmcontainerv2;app-rg;${vm}`;
const HALF_HOUR = 30 * 60_000;

/** Run times fall on the hour or the half hour (Azure's rule): the latest such instant, which the scheduler finds due. */
function latestHalfHour(now: number): Date {
  return new Date(Math.floor(now / HALF_HOUR) * HALF_HOUR);
}

/** Backup jobs of the vault that nobody triggered: the scheduler's. */
async function scheduledBackups(backup: RecoveryServicesBackupClient): Promise<AzureIaaSVMJob[]> {
  const found: AzureIaaSVMJob[] = [];
  for await (const job of backup.backupJobs.list('vault-one', 'backup-rg', { filter: "operation eq 'Backup'" })) {
    const props = job.properties as AzureIaaSVMJob;
    if (props.isUserTriggered === false) found.push(props);
  }
  return found;
}

describe('scheduler over the real server: protection jobs and a scheduled backup in the jobs list', { timeout: 60_000 }, () => {
  let dataDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;
  let seeder: StoreSeeder;
  let backup: RecoveryServicesBackupClient;
  let policyId: string;

  const put = (vm: string, properties: Record<string, unknown>) =>
    arm.request('PUT', item(vm), { apiVersion: BACKUP, body: { properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', ...properties } } });

  /** The job the change's operation status names, as the SDK's jobs API shows it. */
  async function jobOf(change: { status: number; headers: Record<string, unknown> }): Promise<JobResource> {
    assert.equal(change.status, 202);
    const status = (await arm.request('GET', String(change.headers['azure-asyncoperation']))).json<{ status: string; properties?: { objectType: string; jobId: string } }>();
    assert.equal(status.status, 'Succeeded');
    assert.equal(status.properties?.objectType, 'OperationStatusJobExtendedInfo');
    return backup.jobDetails.get('vault-one', 'backup-rg', status.properties?.jobId ?? '');
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-scheduler-'));
    server = await startServer(dataDir, ['--scheduler-interval', '1']);
    arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    seeder = new StoreSeeder(dataDir, arm.info.subscriptionId);
    backup = sdkClients(arm).backup;
    assert.equal((await arm.request('PUT', '/resourcegroups/backup-rg', { apiVersion: '2021-04-01', body: { location: 'eastus' } })).status, 201);
    assert.equal((await arm.request('PUT', VAULT, { apiVersion: VAULTS, body: { location: 'eastus' } })).status, 201);
    const runTime = latestHalfHour(Date.now()).toISOString();
    const policy = {
      properties: {
        backupManagementType: 'AzureIaasVM',
        policyType: 'V1',
        schedulePolicy: { schedulePolicyType: 'SimpleSchedulePolicy', scheduleRunFrequency: 'Daily', scheduleRunTimes: [runTime] },
        retentionPolicy: { retentionPolicyType: 'LongTermRetentionPolicy', dailySchedule: { retentionTimes: [runTime], retentionDuration: { count: 7, durationType: 'Days' } } },
        timeZone: 'UTC',
      },
    };
    assert.equal((await arm.request('PUT', `${VAULT}/backupPolicies/daily`, { apiVersion: BACKUP, body: policy })).status, 200);
    policyId = `/subscriptions/${arm.info.subscriptionId}${VAULT}/backupPolicies/daily`;
    await seeder.virtualMachine('app-rg', 'web-1', 'eastus');
    await seeder.virtualMachine('app-rg', 'web-2', 'eastus');
  });

  after(async () => {
    await seeder?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows each protection change as a finished job named by its operation status', async () => {
    const operations: string[] = [];
    for (const [expected, change] of [
      ['ConfigureBackup', () => put('web-1', { policyId })],
      ['DisableBackup', () => put('web-1', { protectionState: 'ProtectionStopped', sourceResourceId: seeder.vmId('app-rg', 'web-1') })],
      ['DeleteBackupData', () => arm.request('DELETE', item('web-1'), { apiVersion: BACKUP })],
      ['Undelete', () => put('web-1', { protectionState: 'ProtectionStopped', isRehydrate: true, sourceResourceId: seeder.vmId('app-rg', 'web-1') })],
      ['ConfigureBackup', () => put('web-1', { policyId })],
    ] as const) {
      const job = await jobOf(await change());
      const props = job.properties as AzureIaaSVMJob;
      assert.equal(props.operation, expected);
      assert.equal(props.status, 'Completed', `${expected} finished before the change answered`);
      assert.equal(props.entityFriendlyName, 'web-1');
      operations.push(props.operation ?? '');
    }
    const listed: string[] = [];
    for await (const job of backup.backupJobs.list('vault-one', 'backup-rg')) listed.push((job.properties as AzureIaaSVMJob).operation ?? '');
    assert.deepEqual(listed.toSorted(), operations.toSorted());
  });

  it('lets a backup start right after protection is enabled', async () => {
    assert.equal((await put('web-2', { policyId })).status, 202);
    const now = await arm.request('POST', `${item('web-2')}/backup`, { apiVersion: BACKUP, body: { properties: { objectType: 'IaasVMBackupRequest' } } });
    assert.equal(now.status, 202, now.body);
  });

  it('queues the scheduled backup a slot calls for, not user-triggered', async () => {
    // As if the vault had last planned web-1 yesterday (the server was down since): the slot of the
    // last half hour is then due at the next tick.
    const store = SqliteMetadataStore.open(join(dataDir, 'metadata.db'));
    try {
      const plan = await store.get<SchedulePlan>(SCHEDULE_PLANS, `/subscriptions/${arm.info.subscriptionId}${item('web-1')}`.toLowerCase());
      assert.ok(plan, 'configuring protection started the item\'s plan');
      const data: SchedulePlan = { ...plan.data, plannedThrough: new Date(Date.now() - 86_400_000).toISOString() };
      await store.put<SchedulePlan>(SCHEDULE_PLANS, { id: plan.id, data, index: plan.index }, { expectedVersion: plan.version });
    } finally {
      await store.close();
    }
    let found: AzureIaaSVMJob[] = [];
    for (const deadline = Date.now() + 15_000; found.length === 0 && Date.now() < deadline; ) {
      found = await scheduledBackups(backup);
      if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(found.length, 1, 'the scheduler queued the due backup');
    assert.equal(found[0]?.entityFriendlyName, 'web-1');
    assert.equal(found[0]?.operation, 'Backup');
  });
});
