import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';

const RG_V = '2021-04-01';
const V = '2024-03-01';
const ARCA_V = '2026-11-01';
type ErrorBody = { error: { code: string; message: string } };
type Status = { code: string; level: string; displayStatus: string };
type InstanceView = {
  statuses: Status[];
  vmAgent: { vmAgentVersion: string; statuses: Status[] };
  extensions: unknown[];
  disks: { name: string; diskSizeGB: number; encryption: string; encryptionSettings: { enabled: boolean }[] }[];
};
type Vm = { id: string; name: string; type: string; location: string; etag: string; properties: { vmId: string; provisioningState: string; instanceView?: InstanceView; storageProfile: { dataDisks: { lun: number }[] } } };

const vmBody = (extra: Record<string, unknown> = {}) => ({
  location: 'westeurope',
  properties: {
    hardwareProfile: { vmSize: 'Standard_D2s_v3' },
    storageProfile: {
      osDisk: { name: 'web01-os', osType: 'Linux', diskSizeGB: 30 },
      dataDisks: [{ lun: 0, diskSizeGB: 5120, encryption: { type: 'BEKAndKEK', keyVaultId: '/subscriptions/s/resourceGroups/kv-rg/providers/Microsoft.KeyVault/vaults/kv1', secretUrl: 'https://kv1.vault.example/secrets/bek/1', keyUrl: 'https://kv1.vault.example/keys/kek' } }],
    },
    ...extra,
  },
});

const vmPath = (rg: string, name: string) => `/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;

describe('virtual machines over HTTPS: create, instance view, power actions, lists, delete, quotas', () => {
  let dataDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-vm-'));
    server = await startServer(dataDir);
    arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    for (const rg of ['Web-RG', 'Full-RG']) assert.equal((await arm.request('PUT', `/resourcegroups/${rg}`, { apiVersion: RG_V, body: { location: 'westeurope' } })).status, 201);
  });

  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates a VM running, with its agent NotInstalled, and shows both in the instance view', async () => {
    const created = await arm.request('PUT', vmPath('web-rg', 'Web01'), { apiVersion: V, body: vmBody() });
    assert.equal(created.status, 201, created.body);
    const vm = created.json<Vm & { runtime?: unknown }>();
    assert.equal(vm.id, `/subscriptions/${arm.info.subscriptionId}/resourceGroups/Web-RG/providers/Microsoft.Compute/virtualMachines/Web01`);
    assert.equal(vm.type, 'Microsoft.Compute/virtualMachines');
    assert.equal(vm.properties.provisioningState, 'Succeeded');
    assert.match(vm.properties.vmId, /^[0-9a-f-]{36}$/);
    assert.equal(vm.runtime, undefined, 'runtime is shown only through the instance view');
    const view = await arm.request('GET', `${vmPath('Web-RG', 'web01')}/instanceView`, { apiVersion: V });
    assert.equal(view.status, 200, view.body);
    const body = view.json<InstanceView>();
    assert.deepEqual(body.statuses.map((s) => s.code), ['ProvisioningState/succeeded', 'PowerState/running']);
    assert.equal(body.vmAgent.statuses[0]?.displayStatus, 'Not Installed');
    assert.deepEqual(body.extensions, []);
    assert.deepEqual(body.disks.map((d) => [d.name, d.diskSizeGB, d.encryption]), [['web01-os', 30, 'None'], ['Web01_DataDisk_0', 5120, 'BEKAndKEK']]);
    assert.equal(body.disks[1]?.encryptionSettings[0]?.enabled, true);
    const expanded = await arm.request('GET', `${vmPath('Web-RG', 'Web01')}?$expand=instanceView`, { apiVersion: V });
    assert.equal(expanded.json<Vm>().properties.instanceView?.statuses[1]?.code, 'PowerState/running');
  });

  it('updates a VM in place: same vmId, 200, and refuses moving it to another location', async () => {
    const original = (await arm.request('GET', vmPath('Web-RG', 'Web01'), { apiVersion: V })).json<Vm>();
    const body = vmBody();
    body.properties.storageProfile.dataDisks.push({ lun: 1, diskSizeGB: 10, encryption: { type: 'None' } } as never);
    const updated = await arm.request('PUT', vmPath('Web-RG', 'Web01'), { apiVersion: V, body, headers: { 'if-match': original.etag } });
    assert.equal(updated.status, 200, updated.body);
    assert.equal(updated.json<Vm>().properties.vmId, original.properties.vmId);
    assert.deepEqual(updated.json<Vm>().properties.storageProfile.dataDisks.map((d) => d.lun), [0, 1]);
    const moved = await arm.request('PUT', vmPath('Web-RG', 'Web01'), { apiVersion: V, body: { ...body, location: 'eastus' } });
    assert.equal(moved.status, 400);
    assert.equal(moved.json<ErrorBody>().error.code, 'InvalidRequestContent');
  });

  it('moves the power state through the core machine: powerOff, deallocate, start; refuses powerOff when deallocated', async () => {
    const power = async () => (await arm.request('GET', `${vmPath('Web-RG', 'Web01')}/instanceView`, { apiVersion: V })).json<InstanceView>().statuses[1]?.code;
    for (const [action, state] of [['powerOff', 'stopped'], ['powerOff', 'stopped'], ['deallocate', 'deallocated']] as const) {
      const response = await arm.request('POST', `${vmPath('Web-RG', 'Web01')}/${action}`, { apiVersion: V });
      assert.equal(response.status, 200, response.body);
      assert.equal(await power(), `PowerState/${state}`);
    }
    const refused = await arm.request('POST', `${vmPath('Web-RG', 'Web01')}/powerOff`, { apiVersion: V });
    assert.equal(refused.status, 409);
    assert.equal(refused.json<ErrorBody>().error.code, 'UserErrorInvalidStateTransition');
    assert.equal((await arm.request('POST', `${vmPath('Web-RG', 'Web01')}/start`, { apiVersion: V })).status, 200);
    assert.equal(await power(), 'PowerState/running');
  });

  const invalid: [name: string, body: unknown, code: string, reason: RegExp][] = [
    ['no body', undefined, 'InvalidRequestContent', /JSON object/],
    ['no vmSize', { location: 'westeurope', properties: { storageProfile: { osDisk: { diskSizeGB: 30 } } } }, 'InvalidRequestContent', /vmSize is required/],
    ['no osDisk', { location: 'westeurope', properties: { hardwareProfile: { vmSize: 'A1' } } }, 'InvalidRequestContent', /osDisk is required/],
    ['a disk size that is not a whole number', vmBody({ storageProfile: { osDisk: { diskSizeGB: '30' } } }), 'InvalidRequestContent', /diskSizeGB must be a whole number/],
    ['two data disks on one lun', vmBody({ storageProfile: { osDisk: { diskSizeGB: 30 }, dataDisks: [{ lun: 1, diskSizeGB: 1 }, { lun: 1, name: 'x', diskSizeGB: 1 }] } }), 'InvalidRequestContent', /lun 1/],
    ['33 disks', vmBody({ storageProfile: { osDisk: { diskSizeGB: 30 }, dataDisks: Array.from({ length: 32 }, (_, lun) => ({ lun, diskSizeGB: 1 })) } }), 'UserErrorTooManyDisks', /33 disks/],
    ['BEK encryption without its key vault', vmBody({ storageProfile: { osDisk: { diskSizeGB: 30, encryption: { type: 'BEK' } } } }), 'InvalidRequestContent', /keyVaultId is required/],
    ['an unknown encryption type', vmBody({ storageProfile: { osDisk: { diskSizeGB: 30, encryption: { type: 'ROT13' } } } }), 'InvalidRequestContent', /must be one of None, LUKS, BEK, BEKAndKEK/],
    ['dataDisks that is not an array', vmBody({ storageProfile: { osDisk: { diskSizeGB: 30 }, dataDisks: 'many' } }), 'InvalidRequestContent', /must be an array/],
  ];
  for (const [name, body, code, reason] of invalid) {
    it(`refuses a VM with ${name}: ${code}`, async () => {
      const response = await arm.request('PUT', vmPath('Web-RG', 'Bad01'), { apiVersion: V, ...(body === undefined ? {} : { body }) });
      assert.equal(response.json<ErrorBody>().error.code, code, response.body);
      assert.match(response.json<ErrorBody>().error.message, reason);
    });
  }

  it('refuses an invalid VM name and a VM in a missing resource group', async () => {
    const badName = await arm.request('PUT', vmPath('Web-RG', 'web-'), { apiVersion: V, body: vmBody() });
    assert.equal(badName.json<ErrorBody>().error.code, 'UserErrorInvalidArgument');
    const noGroup = await arm.request('PUT', vmPath('Nowhere', 'vm1'), { apiVersion: V, body: vmBody() });
    assert.equal(noGroup.json<ErrorBody>().error.code, 'ResourceGroupNotFound');
  });

  it('lists VMs by resource group and by subscription', async () => {
    assert.equal((await arm.request('PUT', vmPath('Web-RG', 'Web02'), { apiVersion: V, body: vmBody() })).status, 201);
    const inGroup = await arm.request('GET', '/resourceGroups/Web-RG/providers/Microsoft.Compute/virtualMachines', { apiVersion: V });
    assert.deepEqual(inGroup.json<{ value: Vm[] }>().value.map((v) => v.name).toSorted(), ['Web01', 'Web02']);
    const all = await arm.request('GET', '/providers/Microsoft.Compute/virtualMachines', { apiVersion: V });
    assert.ok(all.json<{ value: Vm[] }>().value.length >= 2);
  });

  it('counts VMs per location in the usage list', async () => {
    const usages = await arm.request('GET', '/providers/Microsoft.Compute/locations/West Europe/usages', { apiVersion: V });
    assert.equal(usages.status, 200, usages.body);
    const vms = usages.json<{ value: { name: { value: string }; currentValue: number; limit: number; unit: string }[] }>().value.find((u) => u.name.value === 'virtualMachines');
    assert.equal(vms?.currentValue, 2);
    assert.equal(vms?.unit, 'Count');
  });

  it('enforces a resource group VM quota on create, and reports it', async () => {
    const quota = '/resourceGroups/Full-RG/providers/Arca.Management/quotas/virtualMachines';
    const set = await arm.request('PUT', quota, { apiVersion: ARCA_V, body: { properties: { limit: 1 } } });
    assert.equal(set.status, 201, set.body);
    assert.equal((await arm.request('PUT', vmPath('Full-RG', 'one'), { apiVersion: V, body: vmBody() })).status, 201);
    const refused = await arm.request('PUT', vmPath('Full-RG', 'two'), { apiVersion: V, body: vmBody() });
    assert.equal(refused.status, 409);
    assert.equal(refused.json<ErrorBody>().error.code, 'QuotaExceeded');
    const read = await arm.request('GET', quota, { apiVersion: ARCA_V });
    assert.deepEqual(read.json<{ properties: unknown }>().properties, { limit: 1, currentValue: 1, unit: 'Count' });
    const badLimit = await arm.request('PUT', quota, { apiVersion: ARCA_V, body: { properties: { limit: -1 } } });
    assert.equal(badLimit.json<ErrorBody>().error.code, 'InvalidRequestContent');
    assert.equal((await arm.request('DELETE', quota, { apiVersion: ARCA_V })).status, 200);
    assert.equal((await arm.request('PUT', vmPath('Full-RG', 'two'), { apiVersion: V, body: vmBody() })).status, 201);
  });

  it('deletes a VM (200, then 204 and 404)', async () => {
    assert.equal((await arm.request('DELETE', vmPath('Web-RG', 'Web02'), { apiVersion: V })).status, 200);
    assert.equal((await arm.request('DELETE', vmPath('Web-RG', 'Web02'), { apiVersion: V })).status, 204);
    const gone = await arm.request('GET', vmPath('Web-RG', 'Web02'), { apiVersion: V });
    assert.equal(gone.status, 404);
    assert.equal(gone.json<ErrorBody>().error.code, 'ResourceNotFound');
  });

  it('documents the routes in the OpenAPI summary, the Arca quota among them', async () => {
    const doc = (await arm.request('GET', '/arca/openapi.json')).json<{ paths: Record<string, Record<string, unknown>> }>();
    assert.ok(doc.paths['/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Arca.Management/quotas/{quotaName}']?.put);
    assert.ok(doc.paths['/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachines/{vmName}/instanceView']?.get);
  });
});
