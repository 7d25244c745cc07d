import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AzureIaaSComputeVMProtectedItem, IaasVMRecoveryPoint } from '@azure/arm-recoveryservicesbackup';
import { loadPoint } from '../../src/storage/points/point-store.ts';
import { restoreImage } from '../../src/storage/restore/image-restore.ts';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { sdkClients } from '../support/backup-fixtures.ts';
import {
  backupNow,
  containerOf,
  createVaultWithPolicy,
  itemOf,
  protectedVm,
  registerAgent,
  waitForJob,
  waitForOperation,
  type BackupWorld,
  type ProtectedVm,
} from '../support/backup-flow-fixtures.ts';
import type { TestAgent } from '../support/test-agent.ts';

type JobBody = {
  properties: {
    status: string;
    operation: string;
    isUserTriggered: boolean;
    actionsInfo: string[];
    errorDetails: { code: string; errorCode: number; errorTitle: string; errorString: string; recommendations: string[] }[];
    extendedInfo: { tasksList: { taskId: string; status: string }[] };
  };
};

/**
 * Backup now end to end, on the real `arca server` binary: the published SDK triggers it and polls
 * the vault's operation, the in-process test agent takes real snapshots of real image files and
 * writes them into the vault's repository, and the recovery point restores byte for byte.
 */
describe('backup now: job, agent task, recovery point', () => {
  let dataDir: string;
  let workDir: string;
  let server: RunningServer;
  let world: BackupWorld;
  let policyId: string;
  let web1: ProtectedVm;
  let web2: ProtectedVm;
  let agent1: TestAgent;
  let agent2: TestAgent;
  let firstManifest = '';
  const jobPath = (name: string) => `/resourceGroups/${world.rg}/providers/Microsoft.RecoveryServices/vaults/${world.vault}/backupJobs/${name}`;
  const jobName = async (operationId: string) => {
    const status = await world.sdk.backupOperationStatuses.get(world.vault, world.rg, operationId);
    return (status.properties as { jobId?: string }).jobId ?? '';
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-backup-'));
    workDir = await mkdtemp(join(tmpdir(), 'arca-api-backup-machine-'));
    server = await startServer(dataDir, ['--retry-after', '0']);
    const arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    world = { arm, sdk: sdkClients(arm).backup, rg: 'app-rg', vault: 'vault-1', location: 'eastus' };
    policyId = await createVaultWithPolicy(world, 'daily', 2);
    web1 = await protectedVm(world, 'web-1', policyId, workDir);
    web2 = await protectedVm(world, 'web-2', policyId, workDir, [1 << 20]);
    agent1 = await registerAgent(world, web1, dataDir, join(workDir, 'web-1'));
    agent2 = await registerAgent(world, web2, dataDir, join(workDir, 'web-2'));
  });

  after(async () => {
    await agent1?.close();
    await agent2?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('registers the agent: the machine shows it Ready with its version, its disks with the reported sizes', async () => {
    const view = (await world.arm.request('GET', `${web1.id}/instanceView`, { apiVersion: '2024-03-01' })).json<{
      vmAgent: { vmAgentVersion: string; statuses: { displayStatus: string }[] };
      disks: { name: string; diskSizeGB: number }[];
    }>();
    assert.equal(view.vmAgent.vmAgentVersion, '1.0.0');
    assert.equal(view.vmAgent.statuses[0]?.displayStatus, 'Ready');
    assert.deepEqual(view.disks.map((d) => [d.name, d.diskSizeGB]), [['web-1-os', 1], ['web-1-data1', 1]]);
  });

  it('backs up through the SDK: 202, the operation names the job, both tasks complete, the item is Protected', async () => {
    const { operationId, asyncOperation, location } = await backupNow(world, 'web-1');
    assert.match(asyncOperation, new RegExp(`/vaults/${world.vault}/backupOperations/${operationId}\\?`));
    assert.match(location, new RegExp(`/protectedItems/${itemOf(world.rg, 'web-1')}/operationResults/${operationId}\\?`));
    const name = await jobName(operationId);
    assert.match(name, /^[0-9a-f-]{36}$/);
    const run = await agent1.runOnce({ waitForTask: true });
    assert.equal(run.done.length, 1);
    firstManifest = run.done[0]?.manifestId ?? '';
    const ended = await waitForOperation(world, operationId);
    assert.deepEqual({ status: ended.status, jobId: ended.jobId }, { status: 'Succeeded', jobId: name });
    const job = await world.sdk.jobDetails.get(world.vault, world.rg, name);
    const props = job.properties as { status?: string; operation?: string; extendedInfo?: { tasksList?: { taskId?: string; status?: string }[] } };
    assert.equal(props.status, 'Completed');
    assert.equal(props.operation, 'Backup');
    assert.deepEqual(props.extendedInfo?.tasksList?.map((t) => [t.taskId, t.status]), [['Take Snapshot', 'Completed'], ['Transfer data to vault', 'Completed']]);
    assert.equal((await world.arm.request('GET', location)).status, 200, 'the Location resource answers once done');
    const item = (await world.sdk.protectedItems.get(world.vault, world.rg, 'Azure', containerOf(world.rg, 'web-1'), itemOf(world.rg, 'web-1'))).properties as AzureIaaSComputeVMProtectedItem;
    assert.equal(item.protectionState, 'Protected');
    assert.equal(item.lastBackupStatus, 'Completed');
    assert.ok(item.lastRecoveryPoint instanceof Date);
  });

  it('lists and gets the recovery point through the SDK, and its repository point restores byte for byte', async () => {
    const filter = "startDate eq '2020-01-01 12:00:00 AM' and endDate eq '2099-12-31 11:59:59 PM'";
    const points = [];
    for await (const point of world.sdk.recoveryPoints.list(world.vault, world.rg, 'Azure', containerOf(world.rg, 'web-1'), itemOf(world.rg, 'web-1'), { filter })) points.push(point);
    assert.equal(points.length, 1);
    const name = points[0]?.name ?? '';
    assert.match(name, /^\d{10,}$/, 'named with a number, as Azure names points');
    const none = [];
    for await (const point of world.sdk.recoveryPoints.list(world.vault, world.rg, 'Azure', containerOf(world.rg, 'web-1'), itemOf(world.rg, 'web-1'), { filter: "startDate eq '2020-01-01T00:00:00Z' and endDate eq '2020-02-01T00:00:00Z'" })) none.push(point);
    assert.deepEqual(none, [], 'ISO dates work too, and bound the list');
    const point = (await world.sdk.recoveryPoints.get(world.vault, world.rg, 'Azure', containerOf(world.rg, 'web-1'), itemOf(world.rg, 'web-1'), name)).properties as IaasVMRecoveryPoint;
    assert.equal(point.objectType, 'IaasVMRecoveryPoint');
    assert.equal(point.recoveryPointType, 'FileSystemConsistent');
    assert.equal(point.osType, 'Linux');
    assert.ok(point.recoveryPointTime instanceof Date);
    assert.deepEqual(point.recoveryPointTierDetails?.map((t) => [t.type, t.status]), [['InstantRP', 'Valid'], ['HardenedRP', 'Valid']]);
    assert.deepEqual(point.recoveryPointDiskConfiguration?.includedDiskList?.map((d) => d.name), ['web-1-os', 'web-1-data1']);
    assert.equal(point.recoveryPointDiskConfiguration?.numberOfDisksAttachedToVm, 2);

    const { repo, pool } = await agent1.repository();
    const manifest = await loadPoint(repo, firstManifest);
    assert.equal(manifest.metadata.arcaMachineId, web1.vmId, 'the repository point is the machine\'s');
    for (const [disk, image] of web1.images.entries()) {
      const to = join(workDir, `restored-${disk}.raw`);
      await restoreImage(repo, { pointId: firstManifest, disk, to, pool });
      assert.ok((await readFile(to)).equals(image.data), `disk ${disk} restores byte for byte`);
    }
  });

  it('refuses a second backup while one runs, then a fourth on-demand backup the same day', async () => {
    const second = await backupNow(world, 'web-1');
    await assert.rejects(backupNow(world, 'web-1'), (error: { statusCode?: number; code?: string }) => error.statusCode === 409 && error.code === 'UserErrorBackupOperationInProgress');
    await agent1.runOnce({ waitForTask: true });
    assert.equal((await waitForOperation(world, second.operationId)).status, 'Succeeded');
    const third = await backupNow(world, 'web-1');
    await agent1.runOnce({ waitForTask: true });
    assert.equal((await waitForOperation(world, third.operationId)).status, 'Succeeded');
    await assert.rejects(backupNow(world, 'web-1'), (error: { statusCode?: number; code?: string }) => error.statusCode === 409 && error.code === 'UserErrorOnDemandBackupLimitReached');
  });

  it("shows the agent's error code in the job's error details, in English and in Spanish, and marks the item", async () => {
    const { operationId } = await backupNow(world, 'web-2');
    const name = await jobName(operationId);
    await agent2.runOnce({ waitForTask: true, failWith: { code: 'UserErrorFsFreezeFailed', params: { mountPoint: '/srv/data' } } });
    const ended = await waitForOperation(world, operationId);
    assert.equal(ended.status, 'Failed');
    assert.equal(ended.error?.code, 'UserErrorFsFreezeFailed');
    const english = (await world.arm.request('GET', jobPath(name), { apiVersion: '2023-06-01' })).json<JobBody>();
    const spanish = (await world.arm.request('GET', jobPath(name), { apiVersion: '2023-06-01', headers: { 'accept-language': 'es-ES' } })).json<JobBody>();
    assert.equal(english.properties.status, 'Failed');
    assert.deepEqual(english.properties.extendedInfo.tasksList.map((t) => t.status), ['Failed', 'NotStarted']);
    const [en] = english.properties.errorDetails;
    const [es] = spanish.properties.errorDetails;
    assert.equal(en?.code, 'UserErrorFsFreezeFailed');
    assert.equal(es?.code, 'UserErrorFsFreezeFailed');
    assert.equal(en?.errorCode, 770300);
    assert.match(en?.errorString ?? '', /could not freeze \/srv\/data on web-2/);
    assert.match(es?.errorString ?? '', /no pudo inmovilizar \/srv\/data en web-2/);
    assert.notEqual(en?.errorTitle, es?.errorTitle);
    assert.ok((es?.recommendations.length ?? 0) > 0);
    const item = (await world.sdk.protectedItems.get(world.vault, world.rg, 'Azure', containerOf(world.rg, 'web-2'), itemOf(world.rg, 'web-2'))).properties as AzureIaaSComputeVMProtectedItem;
    assert.deepEqual([item.protectionState, item.lastBackupStatus], ['ProtectionError', 'Failed']);
  });

  it('cancels a backup while the snapshot is being taken: the job ends Cancelled and the agent is told to stop', async () => {
    const { operationId } = await backupNow(world, 'web-2');
    const name = await jobName(operationId);
    await agent2.runOnce({ waitForTask: true, stopAfter: 'snapshot-started' });
    await waitForJob<JobBody>(world, name, (job) => job.properties.actionsInfo.includes('Cancellable'));
    let status = 0;
    await world.sdk.jobCancellations.trigger(world.vault, world.rg, name, { onResponse: (raw) => (status = raw.status) });
    assert.equal(status, 202);
    assert.equal((await waitForOperation(world, operationId)).status, 'Canceled');
    const job = await waitForJob<JobBody>(world, name, (j) => j.properties.status === 'Cancelled');
    assert.deepEqual(job.properties.extendedInfo.tasksList.map((t) => t.status), ['Cancelled', 'Cancelled']);
    const goal = await agent2.goalState();
    assert.deepEqual(goal.extensions[0]?.settings.tasks.map((t) => [t.taskId, t.state]), [[name, 'cancelled']]);
  });

  it('refuses to cancel once the data is moving to the vault, and the backup then completes', async () => {
    const { operationId } = await backupNow(world, 'web-2');
    const name = await jobName(operationId);
    await agent2.runOnce({ waitForTask: true, stopAfter: 'snapshot-taken' });
    await waitForJob<JobBody>(world, name, (job) => job.properties.extendedInfo.tasksList[0]?.status === 'Completed');
    await assert.rejects(world.sdk.jobCancellations.trigger(world.vault, world.rg, name), (error: { statusCode?: number; code?: string }) => error.statusCode === 409 && error.code === 'UserErrorJobNotCancellable');
    await agent2.runOnce();
    assert.equal((await waitForOperation(world, operationId)).status, 'Succeeded');
    const item = (await world.sdk.protectedItems.get(world.vault, world.rg, 'Azure', containerOf(world.rg, 'web-2'), itemOf(world.rg, 'web-2'))).properties as AzureIaaSComputeVMProtectedItem;
    assert.deepEqual([item.protectionState, item.lastBackupStatus], ['Protected', 'Completed']);
  });
});

