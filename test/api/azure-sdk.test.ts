import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RecoveryServicesClient } from '@azure/arm-recoveryservices';
import { RecoveryServicesBackupClient, type IaasVMRestoreRequest } from '@azure/arm-recoveryservicesbackup';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { containerOf, itemOf, makeDiskImage, registerAgent, type BackupWorld, type ProtectedVm } from '../support/backup-flow-fixtures.ts';
import { httpsRequest } from '../support/https-client.ts';
import type { TestAgent } from '../support/test-agent.ts';

/**
 * The published Azure SDK clients, unmodified, pointed at a real `arca server` over HTTPS and signed
 * in as a service principal: the whole backup life cycle as Azure tooling drives it — vault, policy,
 * protection, backup now, its operation and job, cancel, recovery points, restore. The machine's
 * agent is the in-process test agent (tests only), which writes real disk images into the vault.
 */
describe('Azure SDK clients drive Arca end to end', () => {
  let dataDir: string;
  let machineDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;
  let backup: RecoveryServicesBackupClient;
  let vaults: RecoveryServicesClient;
  let agent: TestAgent;
  let vm: ProtectedVm;
  const rg = 'sdk-rg';
  const vault = 'sdk-vault';
  const location = 'westeurope';
  const container = containerOf(rg, 'web-1');
  const item = itemOf(rg, 'web-1');
  let policyId = '';
  let pointName = '';

  /** Follows an operation the way Azure CLI does: the vault-level status until it leaves InProgress. */
  const finished = async (operationId: string) => {
    for (let polls = 0; ; polls++) {
      const status = await backup.backupOperationStatuses.get(vault, rg, operationId);
      if (status.status !== 'InProgress') return status;
      assert.ok(polls < 600, `operation ${operationId} never ended`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const trigger = async () => {
    let asyncOperation = '';
    await backup.backups.trigger(vault, rg, 'Azure', container, item, { properties: { objectType: 'IaasVMBackupRequest' } }, {
      onResponse: (raw) => (asyncOperation = raw.headers.get('azure-asyncoperation') ?? ''),
    });
    return new URL(asyncOperation).pathname.split('/').at(-1) ?? '';
  };
  const jobOf = async (operationId: string) => ((await backup.backupOperationStatuses.get(vault, rg, operationId)).properties as { jobId?: string }).jobId ?? '';

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-sdk-'));
    machineDir = await mkdtemp(join(tmpdir(), 'arca-sdk-machine-'));
    // 0: the server leaves polling pace to the client, which polls every few milliseconds here.
    server = await startServer(dataDir, ['--retry-after', '0']);
    arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    // The SDK signs in as a service principal, with a client secret exchanged at Arca's token endpoint.
    const principal = await arm.request('POST', '/arca/principals', { apiVersion: '2026-11-01', body: { name: 'sdk-automation', type: 'ServicePrincipal', role: 'Owner' } });
    assert.equal(principal.status, 201, principal.body);
    const { clientId, clientSecret, tokenEndpoint } = principal.json<{ clientId: string; clientSecret: string; tokenEndpoint: string }>();
    const credential = {
      getToken: async () => {
        const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: `${arm.info.url}/.default` });
        const response = await httpsRequest('POST', tokenEndpoint, arm.ca, { 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
        assert.equal(response.status, 200, response.body);
        const { access_token, expires_in } = response.json<{ access_token: string; expires_in: number }>();
        return { token: access_token, expiresOnTimestamp: Date.now() + expires_in * 1000 };
      },
    };
    const options = { endpoint: arm.info.url, tlsOptions: { ca: arm.ca }, retryOptions: { maxRetries: 0 } };
    backup = new RecoveryServicesBackupClient(credential, arm.info.subscriptionId, options);
    vaults = new RecoveryServicesClient(credential, arm.info.subscriptionId, options);

    // The machine: a resource group, a VM whose OS disk is a real image file, and a storage account to restore into.
    assert.equal((await arm.request('PUT', `/resourcegroups/${rg}`, { apiVersion: '2021-04-01', body: { location } })).status, 201);
    const image = join(machineDir, 'web-1-os.raw');
    const data = await makeDiskImage(image, 4 << 20);
    const created = await arm.request('PUT', `/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/web-1`, {
      apiVersion: '2024-03-01',
      body: { location, properties: { hardwareProfile: { vmSize: 'Standard_B2s' }, storageProfile: { osDisk: { name: 'web-1-os', diskSizeGB: 30, osType: 'Linux' }, dataDisks: [] } } },
    });
    assert.equal(created.status, 201, created.body);
    const made = created.json<{ id: string; properties: { vmId: string } }>();
    vm = { name: 'web-1', id: made.id, vmId: made.properties.vmId, images: [{ name: 'web-1-os', path: image, data }] };
    const account = await arm.request('PUT', `/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/sdkrestores`, {
      apiVersion: '2023-01-01',
      body: { location, sku: { name: 'Standard_LRS' }, kind: 'StorageV2', properties: {} },
    });
    assert.ok(account.status === 200 || account.status === 201, account.body);
    const world: BackupWorld = { arm, sdk: backup, rg, vault, location };
    agent = await registerAgent(world, vm, dataDir, join(machineDir, 'agent'));
  });

  after(async () => {
    await agent?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(machineDir, { recursive: true, force: true });
  });

  it('creates and reads a Recovery Services vault', async () => {
    const created = await vaults.vaults.createOrUpdate(rg, vault, { location, sku: { name: 'Standard' }, properties: {} }, { updateIntervalInMs: 5 });
    assert.equal(created.name, vault);
    assert.equal((await vaults.vaults.get(rg, vault)).location, location);
    const listed: string[] = [];
    for await (const v of vaults.vaults.listByResourceGroup(rg)) listed.push(v.name ?? '');
    assert.deepEqual(listed, [vault]);
  });

  it('creates, reads and lists an AzureIaasVM policy', async () => {
    const policy = await backup.protectionPolicies.createOrUpdate(vault, rg, 'daily-30', {
      properties: {
        backupManagementType: 'AzureIaasVM',
        schedulePolicy: { schedulePolicyType: 'SimpleSchedulePolicy', scheduleRunFrequency: 'Daily', scheduleRunTimes: [new Date('2026-01-01T02:30:00Z')] },
        retentionPolicy: {
          retentionPolicyType: 'LongTermRetentionPolicy',
          dailySchedule: { retentionTimes: [new Date('2026-01-01T02:30:00Z')], retentionDuration: { count: 30, durationType: 'Days' } },
        },
        instantRpRetentionRangeInDays: 2,
        timeZone: 'UTC',
        policyType: 'V1',
      } as never,
    });
    assert.equal(policy.name, 'daily-30');
    policyId = policy.id ?? '';
    assert.match(policyId, /backupPolicies\/daily-30$/);
    const names: string[] = [];
    for await (const p of backup.backupPolicies.list(vault, rg, { filter: "backupManagementType eq 'AzureIaasVM'" })) names.push(p.name ?? '');
    assert.deepEqual(names, ['daily-30']);
  });

  it('lists the machine as protectable and enables its protection (a ConfigureBackup job records it)', async () => {
    const refreshed: number[] = [];
    await backup.protectionContainers.refresh(vault, rg, 'Azure', { onResponse: (r) => refreshed.push(r.status) });
    assert.deepEqual(refreshed, [202]);
    const protectable: string[] = [];
    for await (const p of backup.backupProtectableItems.list(vault, rg, { filter: "backupManagementType eq 'AzureIaasVM'" })) {
      protectable.push((p.properties as { virtualMachineId?: string }).virtualMachineId ?? '');
    }
    assert.deepEqual(protectable.map((id) => id.toLowerCase()), [vm.id.toLowerCase()]);
    await backup.protectedItems.createOrUpdate(vault, rg, 'Azure', container, item, {
      properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', sourceResourceId: vm.id, policyId } as never,
    });
    const properties = (await backup.protectedItems.get(vault, rg, 'Azure', container, item)).properties as { protectionState?: string; friendlyName?: string };
    assert.deepEqual([properties.protectionState, properties.friendlyName], ['IRPending', 'web-1']);
    const jobs: string[] = [];
    for await (const job of backup.backupJobs.list(vault, rg, { filter: "operation eq 'ConfigureBackup'" })) jobs.push(job.properties?.status ?? '');
    assert.deepEqual(jobs, ['Completed']);
  });

  it('backs up now: 202, the operation names the job, the agent does the snapshot, the job completes both tasks', async () => {
    const operationId = await trigger();
    const jobName = await jobOf(operationId);
    assert.match(jobName, /^[0-9a-f-]{36}$/);
    const run = await agent.runOnce({ waitForTask: true });
    assert.equal(run.done.length, 1);
    const status = await finished(operationId);
    assert.equal(status.status, 'Succeeded');
    const job = await backup.jobDetails.get(vault, rg, jobName);
    const props = job.properties as { status?: string; operation?: string; entityFriendlyName?: string; extendedInfo?: { tasksList?: { taskId?: string; status?: string }[] } };
    assert.deepEqual([props.status, props.operation, props.entityFriendlyName], ['Completed', 'Backup', 'web-1']);
    assert.deepEqual(props.extendedInfo?.tasksList?.map((t) => [t.taskId, t.status]), [['Take Snapshot', 'Completed'], ['Transfer data to vault', 'Completed']]);
    const listed: string[] = [];
    for await (const j of backup.backupJobs.list(vault, rg, { filter: "operation eq 'Backup' and status eq 'Completed'" })) listed.push(j.name ?? '');
    assert.deepEqual(listed, [jobName]);
  });

  it('cancels a backup while its snapshot is being taken: the job ends Cancelled', async () => {
    const operationId = await trigger();
    const jobName = await jobOf(operationId);
    await agent.runOnce({ waitForTask: true, stopAfter: 'snapshot-started' });
    const answers: number[] = [];
    await backup.jobCancellations.trigger(vault, rg, jobName, { onResponse: (raw) => answers.push(raw.status) });
    assert.deepEqual(answers, [202]);
    await agent.runOnce();
    const status = await finished(operationId);
    assert.notEqual(status.status, 'Succeeded');
    assert.equal((await backup.jobDetails.get(vault, rg, jobName)).properties?.status, 'Cancelled');
  });

  it('lists and gets the recovery point', async () => {
    const points = [];
    for await (const point of backup.recoveryPoints.list(vault, rg, 'Azure', container, item, { filter: "startDate eq '2020-01-01 12:00:00 AM' and endDate eq '2099-12-31 11:59:59 PM'" })) points.push(point);
    assert.equal(points.length, 1, 'the cancelled backup left no point');
    pointName = points[0]?.name ?? '';
    const point = await backup.recoveryPoints.get(vault, rg, 'Azure', container, item, pointName);
    assert.equal((point.properties as { objectType?: string }).objectType, 'IaasVMRecoveryPoint');
  });

  it('restores the disks into a storage account: the operation succeeds and the file equals the disk at backup time', async () => {
    let asyncOperation = '';
    const properties = {
      objectType: 'IaasVMRestoreRequest',
      recoveryType: 'RestoreDisks',
      sourceResourceId: vm.id,
      storageAccountId: `/subscriptions/${arm.info.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/sdkrestores`,
      region: location,
      createNewCloudService: false,
      originalStorageAccountOption: false,
    } as IaasVMRestoreRequest;
    await backup.restores.beginTriggerAndWait(vault, rg, 'Azure', container, item, pointName, { properties }, {
      updateIntervalInMs: 25,
      onResponse: (raw) => (asyncOperation ||= raw.headers.get('azure-asyncoperation') ?? ''),
    });
    const status = await finished(new URL(asyncOperation).pathname.split('/').at(-1) ?? '');
    assert.equal(status.status, 'Succeeded');
    const jobName = (status.properties as { jobId?: string }).jobId ?? '';
    const job = await backup.jobDetails.get(vault, rg, jobName);
    assert.deepEqual([job.properties?.operation, job.properties?.status], ['Restore', 'Completed']);
    const bag = (job.properties as { extendedInfo?: { propertyBag?: Record<string, string> } }).extendedInfo?.propertyBag ?? {};
    const restored = Object.values(bag).find((value) => value.endsWith('web-1-os.img'));
    assert.ok(restored, `the job names the restored disk file: ${JSON.stringify(bag)}`);
    // The bag names the file relative to the server's data directory, where storage accounts live.
    assert.ok((await readFile(join(dataDir, restored))).equals(vm.images[0]?.data as Buffer), 'restored byte for byte');
  });
});
