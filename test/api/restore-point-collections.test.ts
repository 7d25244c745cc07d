import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IaasVMRecoveryPoint } from '@azure/arm-recoveryservicesbackup';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { sdkClients } from '../support/backup-fixtures.ts';
import { backupNow, containerOf, createVaultWithPolicy, itemOf, protectedVm, registerAgent, waitForOperation, type BackupWorld, type ProtectedVm } from '../support/backup-flow-fixtures.ts';
import type { TestAgent } from '../support/test-agent.ts';

const COMPUTE = '2024-03-01';
const GROUP = 'AzureBackupRG_westus_1';
type ErrorBody = { error: { code: string; message: string } };
type PointBody = { id: string; name: string; properties: { consistencyMode: string; timeCreated: string; expiryTime: string; snapshots?: unknown } };
type CollectionBody = { id: string; name: string; properties: { provisioningState: string; source: { id: string }; restorePoints: PointBody[] } };

/**
 * Restore point collections as served resources, made by real backups: listed and read with their
 * points, a point deleted alone, locks refusing both deletes, and the collection deleted through its
 * job and followed with Azure-AsyncOperation until the agent is told to remove every snapshot file.
 */
describe('restore point collections: list, get, delete a point, delete the collection through its job', () => {
  let dataDir: string;
  let workDir: string;
  let server: RunningServer;
  let world: BackupWorld;
  let vm: ProtectedVm;
  let agent: TestAgent;
  const collectionPath = () => `/resourceGroups/${GROUP}/providers/Microsoft.Compute/restorePointCollections/AzureBackupRG_${vm.name}_1`;
  const lockPath = `/resourceGroups/${GROUP}/providers/Microsoft.Authorization/locks/keep`;
  const tiers = async () => {
    const all: string[] = [];
    for await (const point of world.sdk.recoveryPoints.list(world.vault, world.rg, 'Azure', containerOf(world.rg, vm.name), itemOf(world.rg, vm.name))) {
      const instant = (point.properties as IaasVMRecoveryPoint).recoveryPointTierDetails?.find((tier) => tier.type === 'InstantRP');
      all.push(`${point.name}:${instant?.status}`);
    }
    return all.toSorted();
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-rpc-'));
    workDir = await mkdtemp(join(tmpdir(), 'arca-api-rpc-machine-'));
    server = await startServer(dataDir, ['--retry-after', '0']);
    const arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    world = { arm, sdk: sdkClients(arm).backup, rg: 'app-rg', vault: 'vault-1', location: 'westus' };
    vm = await protectedVm(world, 'app-1', await createVaultWithPolicy(world, 'daily', 2), workDir, [256 << 10]);
    agent = await registerAgent(world, vm, dataDir, join(workDir, 'machine'));
    for (let n = 0; n < 3; n++) {
      const { operationId } = await backupNow(world, vm.name);
      await agent.runOnce({ waitForTask: true });
      assert.equal((await waitForOperation(world, operationId)).status, 'Succeeded');
    }
  });

  after(async () => {
    await agent?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('lists the collection in its group and gets it with its restore points: name, time, consistency, expiry, no machine paths', async () => {
    const list = await world.arm.request('GET', `/resourceGroups/${GROUP}/providers/Microsoft.Compute/restorePointCollections`, { apiVersion: COMPUTE });
    assert.equal(list.status, 200, list.body);
    const [listed] = list.json<{ value: CollectionBody[] }>().value;
    assert.equal(listed?.name, `AzureBackupRG_${vm.name}_1`);
    const collection = (await world.arm.request('GET', collectionPath(), { apiVersion: COMPUTE })).json<CollectionBody>();
    assert.equal(collection.properties.source.id, vm.id);
    assert.equal(collection.properties.provisioningState, 'Succeeded');
    const points = collection.properties.restorePoints;
    assert.equal(points.length, 3);
    for (const point of points) {
      assert.equal(point.properties.consistencyMode, 'FileSystemConsistent');
      assert.equal(Date.parse(point.properties.expiryTime) - Date.parse(point.properties.timeCreated), 2 * 86_400_000, 'kept for the policy\'s 2 instant days');
      assert.equal(point.properties.snapshots, undefined);
    }
    const one = await world.arm.request('GET', `${collectionPath()}/restorePoints/${points[0]?.name}`, { apiVersion: COMPUTE });
    assert.equal(one.json<PointBody>().id, points[0]?.id);
    assert.equal((await world.arm.request('GET', `${collectionPath()}/restorePoints/0`, { apiVersion: COMPUTE })).status, 404);
  });

  it('refuses deleting a point or the collection while the group is locked, then deletes one point alone', async () => {
    assert.equal((await world.arm.request('PUT', lockPath, { apiVersion: '2016-09-01', body: { properties: { level: 'CanNotDelete' } } })).status, 201);
    const [first] = (await world.arm.request('GET', collectionPath(), { apiVersion: COMPUTE })).json<CollectionBody>().properties.restorePoints;
    for (const path of [`${collectionPath()}/restorePoints/${first?.name}`, collectionPath()]) {
      const refused = await world.arm.request('DELETE', path, { apiVersion: COMPUTE });
      assert.deepEqual([refused.status, refused.json<ErrorBody>().error.code], [409, 'ScopeLocked']);
    }
    assert.equal((await world.arm.request('DELETE', lockPath, { apiVersion: '2016-09-01' })).status, 200);
    assert.equal((await world.arm.request('DELETE', `${collectionPath()}/restorePoints/${first?.name}`, { apiVersion: COMPUTE })).status, 200);
    assert.equal((await world.arm.request('DELETE', `${collectionPath()}/restorePoints/${first?.name}`, { apiVersion: COMPUTE })).status, 204);
    assert.ok((await tiers()).includes(`${first?.name}:Deleted`), 'its recovery point keeps the vault copy, the instant tier shows Deleted');
  });

  it('deletes the collection with 202, follows Azure-AsyncOperation to Succeeded, and tells the agent to remove every snapshot', async () => {
    const deleted = await world.arm.request('DELETE', collectionPath(), { apiVersion: COMPUTE });
    assert.equal(deleted.status, 202, deleted.body);
    const status = String(deleted.headers['azure-asyncoperation']);
    assert.match(status, /\/providers\/Microsoft\.Compute\/locations\/westus\/operations\/[0-9a-f-]{36}\?api-version=2024-03-01$/);
    const deadline = Date.now() + 15_000;
    let body = { status: 'InProgress' } as { status: string; error?: { code: string } };
    while (body.status === 'InProgress') {
      assert.ok(Date.now() < deadline, 'the deletion did not finish');
      await new Promise((resolve) => setTimeout(resolve, 25));
      body = (await world.arm.request('GET', status)).json<typeof body>();
    }
    assert.deepEqual(body.status, 'Succeeded', JSON.stringify(body));
    assert.equal((await world.arm.request('GET', String(deleted.headers.location))).status, 204);
    assert.equal((await world.arm.request('GET', collectionPath(), { apiVersion: COMPUTE })).status, 404);
    assert.deepEqual((await tiers()).map((entry) => entry.split(':')[1]), ['Deleted', 'Deleted', 'Deleted']);
    const run = await agent.runOnce();
    assert.equal(run.goal.deletedInstantPoints.length, 3);
    for (const path of run.removedSnapshots) await assert.rejects(access(path), 'the snapshot file is gone from the machine');
    assert.equal((await world.arm.request('DELETE', collectionPath(), { apiVersion: COMPUTE })).status, 204);
  });
});
