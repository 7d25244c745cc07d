import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AGENT_API_VERSION, AGENT_PATHS } from '../../src/protocol/index.ts';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { httpsRequest } from '../support/https-client.ts';
import { TestAgent } from '../support/test-agent.ts';

const RG_V = '2021-04-01';
const VM_V = '2024-03-01';
const ARCA_V = '2026-11-01';
const GIB = 1024 ** 3;
type ErrorBody = { error: { code: string; message: string } };
type Token = { id: string; machineId: string; secret: string; expires: string; vm: { id: string; resourceGroup: string; name: string; location: string } };
type Disk = { name: string; lun?: number; diskSizeGB: number; osType?: string; encryption: { type: string } };
type Vm = { id: string; name: string; location: string; properties: { vmId: string; createdBy: string; provisioningState: string; storageProfile: { osDisk: Disk; dataDisks: Disk[] } } };
type InstanceView = {
  statuses: { code: string }[];
  vmAgent: { vmAgentVersion: string; statuses: { displayStatus: string }[] };
  disks: { name: string; diskSizeGB: number; encryption: string }[];
};

const vmPath = (rg: string, name: string) => `/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;
const registration = (token: Token, disks: unknown[], extra: Record<string, unknown> = {}) => ({
  registrationToken: token.secret,
  machineId: token.machineId,
  agent: { status: 'Ready', version: '2.0.0' },
  disks,
  ...extra,
});

/**
 * DESIGN §2: a virtual machine is created when an agent registers. An Owner makes a registration
 * token for a machine that does not exist yet (resource group, name, location); the agent's
 * registration creates the VM from what it reports, in the transaction that spends the token.
 */
describe('virtual machines created by their agent registering', () => {
  let dataDir: string;
  let workDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;
  const createToken = (body: Record<string, unknown>) => arm.request('POST', '/arca/registrationTokens', { apiVersion: ARCA_V, body });
  const register = (body: Record<string, unknown>) => httpsRequest('POST', `${arm.info.url}${AGENT_PATHS.register}?api-version=${AGENT_API_VERSION}`, arm.ca, {}, body);
  const newToken = async (body: Record<string, unknown>): Promise<Token> => {
    const created = await createToken({ expiresInMinutes: 30, ...body });
    assert.equal(created.status, 201, created.body);
    return created.json<Token>();
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-agent-vm-'));
    workDir = await mkdtemp(join(tmpdir(), 'arca-api-agent-vm-machine-'));
    server = await startServer(dataDir);
    arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    assert.equal((await arm.request('PUT', '/resourcegroups/Edge-RG', { apiVersion: RG_V, body: { location: 'westeurope' } })).status, 201);
  });

  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('registers a machine that did not exist: the VM appears Ready with the disks the agent reported', async () => {
    const token = await newToken({ resourceGroup: 'edge-rg', vmName: 'Edge01' });
    assert.match(token.machineId, /^[0-9a-f-]{36}$/, 'a freshly drawn vmId');
    assert.deepEqual(token.vm, { id: `/subscriptions/${arm.info.subscriptionId}/resourceGroups/Edge-RG/providers/Microsoft.Compute/virtualMachines/Edge01`, resourceGroup: 'Edge-RG', name: 'Edge01', location: 'westeurope' });
    assert.equal((await arm.request('GET', vmPath('Edge-RG', 'Edge01'), { apiVersion: VM_V })).status, 404, 'no machine before the agent registers');

    // Sparse images: the OS disk just over 2 GiB (shown as 3), the data disk 1 MiB (shown as 1).
    const os = join(workDir, 'edge01-os.img');
    const data = join(workDir, 'edge01-data.img');
    await writeFile(os, '');
    await truncate(os, 2 * GIB + 1);
    await writeFile(data, '');
    await truncate(data, 1 << 20);
    const agent = await TestAgent.register(
      { url: arm.info.url, ca: arm.ca, serverDataDir: dataDir, machineId: token.machineId, disks: [{ name: 'edge01-os', path: os }, { name: 'edge01-data', path: data }], workDir },
      token.secret,
    );
    assert.equal(agent.vmResourceId, token.vm.id);

    const vm = (await arm.request('GET', vmPath('Edge-RG', 'Edge01'), { apiVersion: VM_V })).json<Vm>();
    assert.equal(vm.properties.vmId, token.machineId);
    assert.equal(vm.properties.createdBy, 'agent');
    assert.equal(vm.properties.provisioningState, 'Succeeded');
    assert.equal(vm.location, 'westeurope');
    assert.deepEqual(
      { ...vm.properties.storageProfile.osDisk, path: undefined },
      { name: 'edge01-os', diskSizeGB: 3, path: undefined, encryption: { type: 'None' }, osType: 'Linux' },
    );
    assert.deepEqual(vm.properties.storageProfile.dataDisks.map((d) => [d.name, d.lun, d.diskSizeGB]), [['edge01-data', 0, 1]]);

    const view = await arm.request('GET', `${vmPath('Edge-RG', 'Edge01')}/instanceView`, { apiVersion: VM_V });
    assert.equal(view.status, 200, view.body);
    const body = view.json<InstanceView>();
    assert.deepEqual(body.statuses.map((s) => s.code), ['ProvisioningState/succeeded', 'PowerState/running']);
    assert.equal(body.vmAgent.statuses[0]?.displayStatus, 'Ready');
    assert.equal(body.vmAgent.vmAgentVersion, '1.0.0');
    assert.deepEqual(body.disks.map((d) => [d.name, d.diskSizeGB, d.encryption]), [['edge01-os', 3, 'None'], ['edge01-data', 1, 'None']]);

    // The agent speaks for its new machine, and the token is spent.
    await agent.goalState(); // throws unless the server answers 200
    const again = await register(registration(token, [{ name: 'edge01-os', path: os, sizeBytes: 2 * GIB + 1 }]));
    assert.equal(again.status, 401, again.body);
    assert.equal(again.json<ErrorBody>().error.code, 'UserErrorRegistrationTokenInvalid');
  });

  it('records the OS type and LUKS disks the agent reports', async () => {
    const token = await newToken({ resourceGroup: 'Edge-RG', vmName: 'edge02', location: 'North Europe' });
    assert.equal(token.vm.location, 'northeurope');
    const registered = await register(
      registration(token, [{ name: 'os', path: '/dev/vda', sizeBytes: 10 * GIB }, { name: 'secret', path: '/dev/vdb', sizeBytes: 5 * GIB - 1, encrypted: true }, { name: 'logs', path: '/dev/vdc', sizeBytes: GIB, encrypted: false }], {
        os: { type: 'Windows', name: 'Windows Server 2022' },
      }),
    );
    assert.equal(registered.status, 200, registered.body);
    const vm = (await arm.request('GET', vmPath('Edge-RG', 'edge02'), { apiVersion: VM_V })).json<Vm>();
    assert.equal(vm.location, 'northeurope');
    assert.equal(vm.properties.storageProfile.osDisk.osType, 'Windows');
    assert.deepEqual(vm.properties.storageProfile.dataDisks.map((d) => [d.name, d.lun, d.diskSizeGB, d.encryption.type]), [['secret', 0, 5, 'LUKS'], ['logs', 1, 1, 'None']]);
  });

  it('refuses a token for a resource group that does not exist, a taken name, a bad name, or a full group', async () => {
    const missing = await createToken({ resourceGroup: 'nowhere-rg', vmName: 'vm1' });
    assert.equal(missing.status, 404, missing.body);
    assert.equal(missing.json<ErrorBody>().error.code, 'ResourceGroupNotFound');

    const taken = await createToken({ resourceGroup: 'Edge-RG', vmName: 'EDGE01' });
    assert.equal(taken.status, 409, taken.body);
    assert.equal(taken.json<ErrorBody>().error.code, 'VirtualMachineNameTaken');

    for (const bad of [{ resourceGroup: 'Edge-RG', vmName: 'bad name!' }, { vmName: 'vm1' }, { resourceGroup: 'Edge-RG' }, { machineId: 'm1', resourceGroup: 'Edge-RG', vmName: 'vm1' }, { resourceGroup: 'Edge-RG', vmName: 'vm1', location: 'west europe!' }]) {
      const refused = await createToken(bad);
      assert.equal(refused.status, 400, `${JSON.stringify(bad)}: ${refused.body}`);
    }

    const quota = '/resourceGroups/Edge-RG/providers/Arca.Management/quotas/virtualMachines';
    assert.equal((await arm.request('PUT', quota, { apiVersion: ARCA_V, body: { properties: { limit: 2 } } })).status, 201);
    try {
      const full = await createToken({ resourceGroup: 'Edge-RG', vmName: 'edge03' });
      assert.equal(full.status, 409, full.body);
      assert.equal(full.json<ErrorBody>().error.code, 'QuotaExceeded');
    } finally {
      assert.equal((await arm.request('DELETE', quota, { apiVersion: ARCA_V })).status, 200);
    }
  });

  it('fails cleanly when the name was taken after the token was made, and leaves the token unspent', async () => {
    const token = await newToken({ resourceGroup: 'Edge-RG', vmName: 'late01' });
    const squatter = await arm.request('PUT', vmPath('Edge-RG', 'late01'), {
      apiVersion: VM_V,
      body: { location: 'westeurope', properties: { hardwareProfile: { vmSize: 'Standard_D2s_v3' }, storageProfile: { osDisk: { name: 'late01-os', diskSizeGB: 30 } } } },
    });
    assert.equal(squatter.status, 201, squatter.body);
    const disks = [{ name: 'late01-os', path: '/dev/vda', sizeBytes: 8 * GIB }];
    const refused = await register(registration(token, disks));
    assert.equal(refused.status, 409, refused.body);
    const error = refused.json<ErrorBody>().error;
    assert.equal(error.code, 'VirtualMachineNameTaken');
    assert.match(error.message, /late01/);
    const vm = (await arm.request('GET', vmPath('Edge-RG', 'late01'), { apiVersion: VM_V })).json<Vm>();
    assert.notEqual(vm.properties.vmId, token.machineId, 'the machine made by PUT is untouched');
    assert.equal(vm.properties.createdBy, 'api');

    // A refused report creates nothing either, and the same token still registers once the name is free.
    assert.equal((await arm.request('DELETE', vmPath('Edge-RG', 'late01'), { apiVersion: VM_V })).status, 200);
    const badDisk = await register(registration(token, [{ name: 'no/slashes', path: '/dev/vda', sizeBytes: GIB }]));
    assert.equal(badDisk.status, 400, badDisk.body);
    assert.equal((await arm.request('GET', vmPath('Edge-RG', 'late01'), { apiVersion: VM_V })).status, 404);
    const registered = await register(registration(token, disks));
    assert.equal(registered.status, 200, registered.body);
    const created = (await arm.request('GET', vmPath('Edge-RG', 'late01'), { apiVersion: VM_V })).json<Vm>();
    assert.equal(created.properties.vmId, token.machineId);
    assert.equal(created.properties.createdBy, 'agent');
  });

  it('still refuses a token of an existing machine whose VM is gone, without spending it', async () => {
    const token = await newToken({ machineId: '0b7c7f7e-1d2e-4a3b-9c8d-112233445566' });
    const refused = await register({ registrationToken: token.secret, machineId: token.machineId, agent: { status: 'Ready', version: '1.0.0' }, disks: [] });
    assert.equal(refused.status, 404, refused.body);
    assert.equal(refused.json<ErrorBody>().error.code, 'ResourceNotFound');
  });
});
