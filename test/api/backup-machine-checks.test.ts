import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AGENT_API_VERSION, AGENT_PATHS, SNAPSHOT_EXTENSION, SNAPSHOT_EXTENSION_VERSION } from '../../src/protocol/index.ts';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { sdkClients } from '../support/backup-fixtures.ts';
import { ARCA_API, backupNow, containerOf, createVaultWithPolicy, itemOf, makeDiskImage, registerAgent, waitForJob, waitForOperation, type BackupWorld, type ProtectedVm } from '../support/backup-flow-fixtures.ts';
import { httpsRequest } from '../support/https-client.ts';
import type { TestAgent } from '../support/test-agent.ts';

const TIB = 1024 ** 4;
const COMPUTE = '2024-03-01';
const KEY_VAULT_API = '2023-07-01';
const LUKS_HEADER = Buffer.from([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe, 0x00, 0x02]);

/** ext4 refuses sparse files over 16 TiB; tmpfs takes them without using memory for the holes. */
const SPARSE_DIR = existsSync('/dev/shm') ? '/dev/shm' : undefined;

type DiskSpec = { readonly name: string; readonly diskSizeGB: number; readonly encryption?: Record<string, string> };
type FailedJob = { properties: { status: string; errorDetails?: { errorString: string; recommendations: string[] }[]; extendedInfo: { tasksList: { taskId: string; status: string }[] } } };

/**
 * The checks the vault makes before it asks the agent for a snapshot, each from a real condition
 * reached through the API: the machine powered off or deallocated (POST powerOff / deallocate),
 * its agent registering disks larger than the limits (real sparse files, sizes the agent reads),
 * a key vault of encrypted disks without the Backup service's grants, and the snapshot extension
 * reported failed by the agent. Each backup ends Failed with its code, and passes once fixed.
 */
describe('backup machine checks: stopped, too large, key vault, failed extension', () => {
  let dataDir: string;
  let workDir: string;
  let sparseDir: string | undefined;
  let server: RunningServer;
  let world: BackupWorld;
  let policyId: string;
  const agents: TestAgent[] = [];

  const vmPath = (name: string) => `/resourceGroups/${world.rg}/providers/Microsoft.Compute/virtualMachines/${name}`;
  const keyVaultPath = (name: string) => `/resourceGroups/${world.rg}/providers/Microsoft.KeyVault/vaults/${name}`;

  /** A VM by PUT with these disks, whose images are the given files, protected with the policy. */
  async function protect(name: string, disks: readonly DiskSpec[], paths: readonly string[]): Promise<ProtectedVm> {
    const [os, ...data] = disks;
    const created = await world.arm.request('PUT', vmPath(name), {
      apiVersion: COMPUTE,
      body: { location: world.location, properties: { hardwareProfile: { vmSize: 'Standard_B2s' }, storageProfile: { osDisk: { ...os, osType: 'Linux' }, dataDisks: data.map((disk, lun) => ({ ...disk, lun })) } } },
    });
    assert.ok(created.status === 200 || created.status === 201, created.body);
    const vm = created.json<{ id: string; properties: { vmId: string } }>();
    await world.sdk.protectedItems.createOrUpdate(world.vault, world.rg, 'Azure', containerOf(world.rg, name), itemOf(world.rg, name), {
      properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', sourceResourceId: vm.id, policyId } as never,
    });
    return { name, id: vm.id, vmId: vm.properties.vmId, images: disks.map((disk, i) => ({ name: disk.name, path: paths[i] as string, data: Buffer.alloc(0) })) };
  }

  /** A small VM with real 1 MiB disk images and a registered (test) agent reporting Ready. */
  async function smallVm(name: string, osEncryption?: Record<string, string>): Promise<{ vm: ProtectedVm; agent: TestAgent }> {
    const path = join(workDir, `${name}-os.raw`);
    await makeDiskImage(path, 1 << 20);
    const vm = await protect(name, [{ name: `${name}-os`, diskSizeGB: 1, ...(osEncryption ? { encryption: osEncryption } : {}) }], [path]);
    const agent = await registerAgent(world, vm, dataDir, join(workDir, name));
    agents.push(agent);
    return { vm, agent };
  }

  /** Backup now; the operation's end, and the job's status and first error. */
  async function backup(vm: string): Promise<{ status: string; code?: string; message?: string; job: FailedJob }> {
    const { operationId } = await backupNow(world, vm);
    const ended = await waitForOperation(world, operationId);
    const job = await waitForJob<FailedJob>(world, ended.jobId, (j) => j.properties.status !== 'InProgress');
    return { status: ended.status, ...(ended.error?.code ? { code: ended.error.code } : {}), ...(ended.error ? { message: (ended.error as { message?: string }).message ?? '' } : {}), job };
  }

  /** Backup now, with the agent doing the task: the backup that passes the checks. */
  async function backupWithAgent(vm: string, agent: TestAgent): Promise<string> {
    const { operationId } = await backupNow(world, vm);
    await agent.runOnce({ waitForTask: true });
    return (await waitForOperation(world, operationId)).status;
  }

  async function power(vm: ProtectedVm, action: 'powerOff' | 'deallocate' | 'start'): Promise<void> {
    const response = await world.arm.request('POST', `${vm.id}/${action}`, { apiVersion: COMPUTE });
    assert.equal(response.status, 200, response.body);
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-api-machine-checks-'));
    workDir = await mkdtemp(join(tmpdir(), 'arca-api-machine-checks-vm-'));
    sparseDir = SPARSE_DIR ? await mkdtemp(join(SPARSE_DIR, 'arca-sparse-disks-')) : undefined;
    server = await startServer(dataDir, ['--retry-after', '0']);
    const arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    world = { arm, sdk: sdkClients(arm).backup, rg: 'checks-rg', vault: 'vault-1', location: 'eastus' };
    policyId = await createVaultWithPolicy(world, 'daily', 2);
  });

  after(async () => {
    for (const agent of agents) await agent.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
    if (sparseDir) await rm(sparseDir, { recursive: true, force: true });
  });

  it('fails the backup of a powered-off, then a deallocated machine with AzureVmOffline, before any snapshot task, and backs it up once started', async () => {
    const { vm, agent } = await smallVm('web-off');
    for (const action of ['powerOff', 'deallocate'] as const) {
      await power(vm, action);
      const failed = await backup(vm.name);
      assert.equal(failed.status, 'Failed', action);
      assert.equal(failed.code, 'AzureVmOffline', action);
      assert.match(failed.message ?? '', /web-off/);
      assert.equal(failed.job.properties.extendedInfo.tasksList.find((t) => t.taskId === 'Take Snapshot')?.status, 'Failed', JSON.stringify(failed.job.properties.extendedInfo.tasksList));
      const goal = await agent.goalState();
      assert.equal(goal.extensions.flatMap((e) => e.settings.tasks).filter((t) => t.state !== 'cancelled').length, 0, 'no snapshot task was given to the agent');
    }
    await power(vm, 'start');
    assert.equal(await backupWithAgent(vm.name, agent), 'Succeeded');
  });

  it('fails with UserErrorUnsupportedDiskSize when the agent registers a disk over 32 TiB, or an encrypted (LUKS) disk over 4 TiB, as real sparse files', { skip: SPARSE_DIR ? false : 'no /dev/shm (tmpfs) for sparse files over 16 TiB' }, async () => {
    const dir = sparseDir as string;
    const os = join(dir, 'big-os.raw');
    const huge = join(dir, 'big-data.raw');
    await makeDiskImage(os, 1 << 20);
    await writeFile(huge, '');
    await truncate(huge, 33 * TIB);
    const big = await protect('web-big', [{ name: 'web-big-os', diskSizeGB: 1 }, { name: 'web-big-data', diskSizeGB: 10 }], [os, huge]);
    agents.push(await registerAgent(world, big, dataDir, join(workDir, 'web-big')));
    const tooBig = await backup('web-big');
    assert.equal(tooBig.code, 'UserErrorUnsupportedDiskSize');
    assert.match(tooBig.message ?? '', /web-big-data/);
    assert.match(tooBig.message ?? '', /33 TiB/);

    const luks = join(dir, 'luks-data.raw');
    const file = await open(luks, 'w');
    await file.write(LUKS_HEADER, 0, LUKS_HEADER.length, 0);
    await file.truncate(5 * TIB);
    await file.close();
    const encrypted = await protect('web-luks', [{ name: 'web-luks-os', diskSizeGB: 1 }, { name: 'web-luks-data', diskSizeGB: 10, encryption: { type: 'LUKS' } }], [os, luks]);
    agents.push(await registerAgent(world, encrypted, dataDir, join(workDir, 'web-luks')));
    const tooBigEncrypted = await backup('web-luks');
    assert.equal(tooBigEncrypted.code, 'UserErrorUnsupportedDiskSize');
    assert.match(tooBigEncrypted.message ?? '', /web-luks-data/);
    assert.match(tooBigEncrypted.message ?? '', /5 TiB/);
    assert.match(tooBigEncrypted.message ?? '', /4 TiB/, 'the encrypted limit is named');
  });

  it('fails an encrypted machine whose key vault does not grant the Backup service get and list on keys and secrets, until both are granted', async () => {
    const kv = await world.arm.request('PUT', keyVaultPath('kv-enc'), {
      apiVersion: KEY_VAULT_API,
      body: { location: world.location, properties: { tenantId: world.arm.info.tenantId, sku: { family: 'A', name: 'standard' }, accessPolicies: [], enabledForDiskEncryption: true } },
    });
    assert.ok(kv.status === 200 || kv.status === 201, kv.body);
    const kvId = kv.json<{ id: string }>().id;
    const { vm, agent } = await smallVm('web-enc', { type: 'BEKAndKEK', keyVaultId: kvId, secretUrl: 'https://kv-enc.vault.local/secrets/bek-1', keyUrl: 'https://kv-enc.vault.local/keys/kek-1' });
    const none = await backup(vm.name);
    assert.equal(none.code, 'UserErrorKeyvaultPermissionsNotConfigured');
    assert.match(none.message ?? '', /kv-enc/);

    const identity = (await world.arm.request('GET', '/arca/backupServiceIdentity', { apiVersion: ARCA_API })).json<{ objectId: string; tenantId: string }>();
    const grant = async (permissions: Record<string, string[]>) => {
      const added = await world.arm.request('PUT', `${keyVaultPath('kv-enc')}/accessPolicies/add`, {
        apiVersion: KEY_VAULT_API,
        body: { properties: { accessPolicies: [{ tenantId: identity.tenantId, objectId: identity.objectId, permissions: { keys: [], secrets: [], certificates: [], ...permissions } }] } },
      });
      assert.equal(added.status, 200, added.body);
    };
    await grant({ keys: ['get', 'list'] });
    assert.equal((await backup(vm.name)).code, 'UserErrorKeyvaultPermissionsNotConfigured', 'keys alone are not enough: the BEK is a secret');
    await grant({ secrets: ['get', 'list'] });
    assert.equal(await backupWithAgent(vm.name, agent), 'Succeeded');
  });

  it('fails with UserErrorVmProvisioningStateFailed, naming it, once the agent reports another extension failed (an on-demand backup reinstalls only its own snapshot extension)', async () => {
    const { vm, agent } = await smallVm('web-ext');
    const other = 'Contoso.Monitoring.LinuxAgent';
    const report = (status: 'error' | 'success') => ({
      goalStateIncarnation: 0,
      agent: { status: 'Ready', version: '1.0.0' },
      extensions: [
        { name: SNAPSHOT_EXTENSION, version: SNAPSHOT_EXTENSION_VERSION, handlerState: 'Enabled', status: { status: 'success', code: 0, message: 'Enabled' } },
        { name: other, version: '2.1.0', handlerState: 'Enabled', status: { status, code: status === 'error' ? 1 : 0, message: status === 'error' ? 'enable exited with code 1' : 'Enabled' } },
      ],
      tasks: [],
    });
    const send = async (status: 'error' | 'success') => {
      const put = await httpsRequest('PUT', `${world.arm.info.url}${AGENT_PATHS.status(vm.vmId)}?api-version=${AGENT_API_VERSION}`, world.arm.ca, { authorization: `Bearer ${agent.token}` }, report(status));
      assert.equal(put.status, 200, put.body);
    };
    const provisioning = async () => (await world.arm.request('GET', vmPath(vm.name), { apiVersion: COMPUTE })).json<{ properties: { provisioningState: string } }>().properties.provisioningState;
    await send('error');
    assert.equal(await provisioning(), 'Failed', 'a failed handler puts the machine in the Failed provisioning state');
    const failed = await backup(vm.name);
    assert.equal(failed.code, 'UserErrorVmProvisioningStateFailed');
    assert.match(failed.message ?? '', /Contoso\.Monitoring\.LinuxAgent/);
    await send('success');
    assert.equal(await provisioning(), 'Succeeded', 'the machine recovers once every handler reports without error');
    assert.equal(await backupWithAgent(vm.name, agent), 'Succeeded');
  });
});
