import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';

const RG_V = '2021-04-01';
const LOCK_V = '2016-09-01';
const VM_V = '2024-03-01';
type ErrorBody = { error: { code: string; message: string } };
type Lock = { id: string; name: string; type: string; properties: { level: string; notes?: string } };

const vmBody = { location: 'westeurope', properties: { hardwareProfile: { vmSize: 'Standard_B2s' }, storageProfile: { osDisk: { diskSizeGB: 30 } } } };
const vm = (name: string) => `/resourceGroups/Locked-RG/providers/Microsoft.Compute/virtualMachines/${name}`;
const groupLock = (name: string) => `/resourceGroups/Locked-RG/providers/Microsoft.Authorization/locks/${name}`;

describe('management locks over HTTPS: on resource groups and on resources, honoured by every write', () => {
  let dataDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-locks-'));
    server = await startServer(dataDir);
    arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    assert.equal((await arm.request('PUT', '/resourcegroups/Locked-RG', { apiVersion: RG_V, body: { location: 'westeurope' } })).status, 201);
    for (const name of ['vm1', 'vm2']) assert.equal((await arm.request('PUT', vm(name), { apiVersion: VM_V, body: vmBody })).status, 201);
  });

  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates (201), updates (200) and reads a lock on a resource group', async () => {
    const created = await arm.request('PUT', groupLock('keep'), { apiVersion: LOCK_V, body: { properties: { level: 'CanNotDelete', notes: 'restore points' } } });
    assert.equal(created.status, 201, created.body);
    const lock = created.json<Lock>();
    assert.equal(lock.id, `/subscriptions/${arm.info.subscriptionId}/resourceGroups/Locked-RG/providers/Microsoft.Authorization/locks/keep`);
    assert.equal(lock.type, 'Microsoft.Authorization/locks');
    const updated = await arm.request('PUT', groupLock('keep'), { apiVersion: LOCK_V, body: { properties: { level: 'cannotdelete' } } });
    assert.equal(updated.status, 200);
    assert.deepEqual(updated.json<Lock>().properties, { level: 'CanNotDelete' });
    assert.equal((await arm.request('GET', groupLock('KEEP'), { apiVersion: LOCK_V })).json<Lock>().name, 'keep');
  });

  it('CanNotDelete on the group refuses deleting a VM in it with ScopeLocked, but allows updating it', async () => {
    const refused = await arm.request('DELETE', vm('vm1'), { apiVersion: VM_V });
    assert.equal(refused.status, 409);
    const error = refused.json<ErrorBody>().error;
    assert.equal(error.code, 'ScopeLocked');
    assert.match(error.message, /CanNotDelete lock keep/);
    assert.equal((await arm.request('PUT', vm('vm1'), { apiVersion: VM_V, body: vmBody })).status, 200);
    assert.equal((await arm.request('GET', vm('vm1'), { apiVersion: VM_V })).status, 200, 'the VM is still there');
  });

  it('ReadOnly on the group refuses updating a VM, its power actions and creating one', async () => {
    assert.equal((await arm.request('PUT', groupLock('frozen'), { apiVersion: LOCK_V, body: { properties: { level: 'ReadOnly' } } })).status, 201);
    for (const [method, path, body] of [['PUT', vm('vm1'), vmBody], ['POST', `${vm('vm1')}/powerOff`, undefined], ['PUT', vm('vm3'), vmBody]] as const) {
      const refused = await arm.request(method, path, { apiVersion: VM_V, ...(body ? { body } : {}) });
      assert.equal(refused.status, 409, `${method} ${path}`);
      assert.equal(refused.json<ErrorBody>().error.code, 'ScopeLocked');
    }
    assert.equal((await arm.request('GET', vm('vm1'), { apiVersion: VM_V })).status, 200, 'reads stay allowed');
    assert.equal((await arm.request('DELETE', groupLock('frozen'), { apiVersion: LOCK_V })).status, 200, 'deleting a lock is never blocked');
    assert.equal((await arm.request('PUT', vm('vm1'), { apiVersion: VM_V, body: vmBody })).status, 200);
  });

  it('locks one VM without locking its neighbours, and lists every lock in the group', async () => {
    const vmLock = `${vm('vm2')}/providers/Microsoft.Authorization/locks/pin`;
    const created = await arm.request('PUT', vmLock, { apiVersion: LOCK_V, body: { properties: { level: 'ReadOnly' } } });
    assert.equal(created.status, 201, created.body);
    assert.equal(created.json<Lock>().id, `/subscriptions/${arm.info.subscriptionId}/resourceGroups/Locked-RG/providers/Microsoft.Compute/virtualMachines/vm2/providers/Microsoft.Authorization/locks/pin`);
    assert.equal((await arm.request('PUT', vm('vm2'), { apiVersion: VM_V, body: vmBody })).json<ErrorBody>().error.code, 'ScopeLocked');
    assert.equal((await arm.request('PUT', vm('vm1'), { apiVersion: VM_V, body: vmBody })).status, 200);
    const list = await arm.request('GET', '/resourceGroups/Locked-RG/providers/Microsoft.Authorization/locks', { apiVersion: LOCK_V });
    assert.deepEqual(list.json<{ value: Lock[] }>().value.map((l) => l.name).toSorted(), ['keep', 'pin']);
    const onVm = await arm.request('GET', `${vm('vm2')}/providers/Microsoft.Authorization/locks`, { apiVersion: LOCK_V });
    assert.deepEqual(onVm.json<{ value: Lock[] }>().value.map((l) => l.name), ['pin']);
  });

  it('deleting the locks lets the VM go', async () => {
    assert.equal((await arm.request('DELETE', `${vm('vm2')}/providers/Microsoft.Authorization/locks/pin`, { apiVersion: LOCK_V })).status, 200);
    assert.equal((await arm.request('DELETE', groupLock('keep'), { apiVersion: LOCK_V })).status, 200);
    assert.equal((await arm.request('DELETE', groupLock('keep'), { apiVersion: LOCK_V })).status, 204);
    assert.equal((await arm.request('DELETE', vm('vm1'), { apiVersion: VM_V })).status, 200);
  });

  const refused: [name: string, path: string, body: unknown, status: number, code: string][] = [
    ['an unknown level', groupLock('x'), { properties: { level: 'Sealed' } }, 400, 'InvalidRequestContent'],
    ['no level', groupLock('x'), { properties: {} }, 400, 'InvalidRequestContent'],
    ['notes longer than 512 characters', groupLock('x'), { properties: { level: 'ReadOnly', notes: 'n'.repeat(513) } }, 400, 'InvalidRequestContent'],
    ['a name ending in a period', groupLock('x.'), { properties: { level: 'ReadOnly' } }, 400, 'UserErrorInvalidArgument'],
    ['a missing resource group', '/resourceGroups/None/providers/Microsoft.Authorization/locks/x', { properties: { level: 'ReadOnly' } }, 404, 'ResourceGroupNotFound'],
    ['a restore point collection that does not exist', '/resourceGroups/Locked-RG/providers/Microsoft.Compute/restorePointCollections/AzureBackupRG_vm1_1/providers/Microsoft.Authorization/locks/x', { properties: { level: 'CanNotDelete' } }, 404, 'ParentResourceNotFound'],
    ['a resource type locks are not served on', '/resourceGroups/Locked-RG/providers/Microsoft.Web/sites/s1/providers/Microsoft.Authorization/locks/x', { properties: { level: 'CanNotDelete' } }, 400, 'UserErrorInvalidArgument'],
  ];
  for (const [name, path, body, status, code] of refused) {
    it(`refuses a lock with ${name}: ${code}`, async () => {
      const response = await arm.request('PUT', path, { apiVersion: LOCK_V, body });
      assert.equal(response.status, status, response.body);
      assert.equal(response.json<ErrorBody>().error.code, code);
    });
  }
});
