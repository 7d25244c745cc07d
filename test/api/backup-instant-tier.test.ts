import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IaasVMRecoveryPoint } from '@azure/arm-recoveryservicesbackup';
import type { RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { sdkClients } from '../support/backup-fixtures.ts';
import {
  backupNow,
  containerOf,
  createVaultWithPolicy,
  itemOf,
  moveClock,
  protectedVm,
  registerAgent,
  startClockServer,
  waitForOperation,
  type BackupWorld,
  type ProtectedVm,
} from '../support/backup-flow-fixtures.ts';
import type { TestAgent } from '../support/test-agent.ts';

const DAY = 86_400_000;
const GROUP = 'AzureBackupRG_northeurope_1';
type JobBody = { properties: { status: string; errorDetails: { code: string; errorString: string }[] } };

/**
 * The instant tier for real: the first backup creates the restore point collection and its
 * resource group; a lock on that group blocks the cleanup of expired points (the backups go on
 * with BackUpOperationFailedV2) until 18 points stop the next one with UserErrorRpCollectionLimitReached.
 * The 18 points are made by real backups, three a day, with a clock the test moves a day at a time.
 */
describe('instant restore tier: restore point collection, expiry, lock, 18-point limit', () => {
  let dataDir: string;
  let workDir: string;
  let server: RunningServer;
  let world: BackupWorld;
  let vm: ProtectedVm;
  let agent: TestAgent;
  let offset = 0;

  /** One on-demand backup carried out by the agent; the job's final status and error details. */
  async function backup(options: { refused?: boolean } = {}): Promise<JobBody['properties']> {
    const { operationId } = await backupNow(world, vm.name);
    if (!options.refused) await agent.runOnce({ waitForTask: true });
    const ended = await waitForOperation(world, operationId);
    const job = (await world.arm.request('GET', `/resourceGroups/${world.rg}/providers/Microsoft.RecoveryServices/vaults/${world.vault}/backupJobs/${ended.jobId}`, { apiVersion: '2023-06-01' })).json<JobBody>();
    return job.properties;
  }

  async function nextDay(): Promise<void> {
    offset += DAY;
    await moveClock(world.arm, dataDir, offset);
    // A day of silence makes any agent Unresponsive; a real one would have reported all along.
    await agent.report();
  }

  async function points(): Promise<IaasVMRecoveryPoint[]> {
    const all: IaasVMRecoveryPoint[] = [];
    for await (const point of world.sdk.recoveryPoints.list(world.vault, world.rg, 'Azure', containerOf(world.rg, vm.name), itemOf(world.rg, vm.name))) all.push(point.properties as IaasVMRecoveryPoint);
    return all;
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-instant-'));
    workDir = await mkdtemp(join(tmpdir(), 'arca-api-instant-machine-'));
    server = await startClockServer(dataDir);
    const arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    world = { arm, sdk: sdkClients(arm).backup, rg: 'app-rg', vault: 'vault-1', location: 'northeurope' };
    const policyId = await createVaultWithPolicy(world, 'short-instant', 1);
    vm = await protectedVm(world, 'db-1', policyId, workDir, [256 << 10]);
    agent = await registerAgent(world, vm, dataDir, join(workDir, 'machine'));
  });

  after(async () => {
    await agent?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('the first backup creates the resource group and the restore point collection as real records', async () => {
    assert.equal((await backup()).status, 'Completed');
    const group = await world.arm.request('GET', `/resourcegroups/${GROUP}`, { apiVersion: '2021-04-01' });
    assert.equal(group.status, 200, group.body);
    assert.equal(group.json<{ location: string }>().location, 'northeurope');
    const lock = await world.arm.request('PUT', `/resourceGroups/${GROUP}/providers/Microsoft.Authorization/locks/keep-points`, { apiVersion: '2016-09-01', body: { properties: { level: 'CanNotDelete' } } });
    assert.equal(lock.status, 201, lock.body);
    const emptying = await world.arm.request('DELETE', `/resourcegroups/${GROUP}`, { apiVersion: '2021-04-01' });
    assert.equal(emptying.status, 409, 'the group is locked and holds the collection');
  });

  it('with the group locked, expired points stay: the backups go on with BackUpOperationFailedV2 until 18 points stop them', async () => {
    const outcomes: string[] = [];
    for (let n = 2; n <= 18; n++) {
      if (n % 3 === 1) await nextDay();
      const job = await backup();
      outcomes.push(job.status);
      if (job.status === 'CompletedWithWarnings') {
        assert.equal(job.errorDetails[0]?.code, 'BackUpOperationFailedV2');
        assert.match(job.errorDetails[0]?.errorString ?? '', new RegExp(GROUP));
      }
    }
    assert.deepEqual(outcomes.slice(0, 2), ['Completed', 'Completed'], 'nothing had expired on the first day');
    assert.ok(outcomes.slice(2).every((status) => status === 'CompletedWithWarnings'), outcomes.join(', '));
    await nextDay();
    const refused = await backup({ refused: true });
    assert.equal(refused.status, 'Failed');
    assert.equal(refused.errorDetails[0]?.code, 'UserErrorRpCollectionLimitReached');
    assert.match(refused.errorDetails[0]?.errorString ?? '', /18 instant restore points/);
    assert.equal((await points()).length, 18);
  });

  it('once the lock is gone the next backup deletes the expired points but the newest, and the agent removes their files', async () => {
    assert.equal((await world.arm.request('DELETE', `/resourceGroups/${GROUP}/providers/Microsoft.Authorization/locks/keep-points`, { apiVersion: '2016-09-01' })).status, 200);
    const { operationId } = await backupNow(world, vm.name);
    const run = await agent.runOnce({ waitForTask: true });
    assert.equal((await waitForOperation(world, operationId)).status, 'Succeeded');
    assert.equal(run.goal.deletedInstantPoints.length, 17, 'all expired points but the newest');
    assert.equal(run.removedSnapshots.length, 17);
    for (const file of run.removedSnapshots) await assert.rejects(access(file), `${file} is removed`);
    const all = await points();
    assert.equal(all.length, 19, 'the vault tier keeps every point');
    const instant = all.map((p) => p.recoveryPointTierDetails?.find((t) => t.type === 'InstantRP')?.status);
    assert.deepEqual(instant.filter((s) => s === 'Valid').length, 2, 'the newest expired point and the new one keep their snapshots');
    assert.deepEqual(instant.filter((s) => s === 'Deleted').length, 17);
    const again = await agent.runOnce();
    assert.deepEqual(again.goal.deletedInstantPoints, [], 'the agent applied that goal state, so the list is cleared');
  });
});
