import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT_CODES } from '../../src/cli/exit-codes.ts';
import { ARCA_VERSION } from '../../src/platform/version.ts';
import { AGENT_API_VERSION, AGENT_PATHS, SNAPSHOT_EXTENSION, SNAPSHOT_EXTENSION_VERSION, type StatusReport } from '../../src/protocol/index.ts';
import type { RunningServer } from '../support/arca-process.ts';
import type { ArmTestClient } from '../support/arm-client.ts';
import { httpsRequest } from '../support/https-client.ts';
import { TestAgent } from '../support/test-agent.ts';
import { cli, signedInCli } from './cli-support.ts';

const KV_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER_OBJECT = '0b5b0d3c-0b1a-4c9e-9a53-0a1f3c3e9d11';

/** The resource commands (vm power and extensions, storage accounts, networks, quotas, key vaults, version): the real binary against a real server. */
describe('arca resource commands', () => {
  let dataDir: string;
  let workDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;
  let arca: ReturnType<typeof cli>;
  let agent: TestAgent;
  let machineId: string;

  const json = async <T>(args: readonly string[]): Promise<T> => {
    const run = await arca([...args, '-o', 'json']);
    assert.equal(run.code, 0, `arca ${args.join(' ')}: ${run.stderr}`);
    return JSON.parse(run.stdout) as T;
  };
  const powerOf = async (vm: string) => {
    const shown = await json<{ instanceView: { statuses: { code: string }[] } }>(['vm', 'show', vm]);
    return shown.instanceView.statuses.find((s) => s.code.startsWith('PowerState/'))?.code;
  };
  const provisioningOf = async (vm: string) => {
    const shown = await json<{ instanceView: { statuses: { code: string }[] } }>(['vm', 'show', vm]);
    return shown.instanceView.statuses.find((s) => s.code.startsWith('ProvisioningState/'))?.code;
  };
  /** What the machine's agent reports: the snapshot extension failed to enable, or healthy. */
  const reportExtension = async (status: 'error' | 'success') => {
    const report: StatusReport = {
      agent: { status: 'Ready', version: '1.0.0' },
      extensions: [{ name: SNAPSHOT_EXTENSION, version: SNAPSHOT_EXTENSION_VERSION, handlerState: 'Enabled', status: { status, code: status === 'error' ? 1 : 0, message: status === 'error' ? 'enable failed: exit 1' : 'Enabled' } }],
      tasks: [],
    };
    const url = `${server.url}${AGENT_PATHS.status(machineId)}?api-version=${AGENT_API_VERSION}`;
    const answer = await httpsRequest('PUT', url, arm.ca, { authorization: `Bearer ${agent.token}` }, report);
    assert.equal(answer.status, 200, answer.body);
  };

  before(async () => {
    ({ dataDir, workDir, server, arm, arca } = await signedInCli('arca-cli-resources-', { vault: true }));
    assert.equal((await arca(['policy', 'create', '--name', 'daily-30', '--daily', '02:30', '--retain-daily', '30'])).code, 0);
    const made = await json<{ machineId: string; secret: string }>(['agent', 'token', 'create', '--create', '--vm', 'web-1', '--resource-group', 'prod']);
    machineId = made.machineId;
    const disk = join(workDir, 'web-1-os.img');
    await writeFile(disk, Buffer.alloc(1 << 20));
    agent = await TestAgent.register({ url: server.url, ca: arm.ca, serverDataDir: dataDir, machineId, disks: [{ name: 'web-1-os', path: disk }], workDir }, made.secret);

    const put = async (path: string, apiVersion: string, body: unknown) => {
      const answer = await arm.request('PUT', path, { apiVersion, body });
      assert.ok(answer.status === 200 || answer.status === 201, `${path}: ${answer.status} ${answer.body}`);
    };
    await put('/resourcegroups/restores', '2021-04-01', { location: 'northeurope' });
    await put('/resourcegroups/restores/providers/Microsoft.Storage/storageAccounts/restoresa', '2023-01-01', { location: 'northeurope', sku: { name: 'Premium_LRS' }, properties: { statusOfPrimary: 'unavailable' } });
    await put('/resourcegroups/restores/providers/Microsoft.Network/virtualNetworks/prod-net', '2023-05-01', {
      location: 'northeurope',
      properties: { addressSpace: { addressPrefixes: ['10.1.0.0/16'] }, subnets: [{ name: 'front', properties: { addressPrefix: '10.1.1.0/24' } }, { name: 'back', properties: { addressPrefix: '10.1.2.0/24' } }] },
    });
    await put('/resourcegroups/prod/providers/Arca.Management/quotas/virtualMachines', '2026-11-01', { properties: { limit: 3 } });
    await put('/resourcegroups/prod/providers/Microsoft.KeyVault/vaults/disks-kv', '2022-07-01', {
      location: 'westeurope',
      properties: { tenantId: KV_TENANT, sku: { family: 'A', name: 'standard' }, enabledForDiskEncryption: true, accessPolicies: [] },
    });
  });

  after(async () => {
    await agent?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('stops, starts, deallocates and restarts a machine; each prints the power state the server then shows', async () => {
    assert.equal(await powerOf('web-1'), 'PowerState/running');
    assert.deepEqual(await json(['vm', 'stop', 'web-1']), { name: 'web-1', resourceGroup: 'prod', action: 'stop', powerState: 'stopped' });
    assert.equal(await powerOf('web-1'), 'PowerState/stopped');

    const restart = await arca(['vm', 'restart', 'web-1']);
    assert.equal(restart.code, EXIT_CODES.conflict, restart.stdout + restart.stderr);
    assert.match(restart.stderr, /UserErrorInvalidStateTransition/);

    const started = await arca(['vm', 'start', 'web-1']);
    assert.equal(started.code, 0, started.stderr);
    assert.equal(started.stdout, 'web-1: start done, power state running\n');
    assert.equal((await json<{ powerState: string }>(['vm', 'restart', 'web-1', '--vm-resource-group', 'prod'])).powerState, 'running');
    assert.equal((await json<{ powerState: string }>(['vm', 'deallocate', 'web-1'])).powerState, 'deallocated');
    assert.equal((await json<{ powerState: string }>(['vm', 'start', 'web-1'])).powerState, 'running');
  });

  it('removes a failed snapshot extension: the machine leaves Failed, later failed reports stay hidden, and the next backup reinstalls it', async () => {
    await reportExtension('error');
    assert.equal(await provisioningOf('web-1'), 'ProvisioningState/failed');
    const listed = await json<{ name: string; properties: { provisioningState: string; publisher: string; type: string } }[]>(['vm', 'extension', 'list', '--vm', 'web-1']);
    assert.deepEqual(listed.map((e) => [e.name, e.properties.provisioningState, e.properties.publisher, e.properties.type]), [[SNAPSHOT_EXTENSION, 'Failed', 'Arca.Backup', 'VMSnapshotLinux']]);
    const table = await arca(['vm', 'extension', 'list', '--vm', 'web-1']);
    assert.match(table.stdout, new RegExp(`${SNAPSHOT_EXTENSION.replaceAll('.', '\\.')} +${SNAPSHOT_EXTENSION_VERSION.replaceAll('.', '\\.')} +Failed +Enabled +enable failed: exit 1`));

    const removed = await arca(['vm', 'extension', 'remove', '--vm', 'web-1', '--name', 'VMSnapshot']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /extension Arca\.Backup\.VMSnapshotLinux removed; the next backup installs it again/);
    assert.deepEqual(await json(['vm', 'extension', 'list', '--vm', 'web-1']), []);
    assert.equal(await provisioningOf('web-1'), 'ProvisioningState/succeeded');

    // The handler is still failed on the machine until a task reinstalls it: its reports do not make the machine Failed again.
    await reportExtension('error');
    assert.equal(await provisioningOf('web-1'), 'ProvisioningState/succeeded');
    assert.deepEqual(await json(['vm', 'extension', 'remove', '--vm', 'web-1', '--name', 'VMSnapshot']), { vm: 'web-1', resourceGroup: 'prod', extension: 'VMSnapshot', removed: false });

    assert.equal((await arca(['protection', 'enable', '--vm', 'web-1', '--policy', 'daily-30'])).code, 0);
    const backup = await arca(['backup', 'now', '--vm', 'web-1']);
    assert.equal(backup.code, 0, backup.stderr);
    // The job writes the snapshot task on its own time: read the goal state until it holds it.
    const deadline = Date.now() + 10_000;
    let tasks = (await agent.goalState()).extensions.flatMap((e) => e.settings.tasks);
    while (tasks.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      tasks = (await agent.goalState()).extensions.flatMap((e) => e.settings.tasks);
    }
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0]?.reinstall, true);

    // Reinstalled and healthy: it shows again, and the removal is settled.
    await reportExtension('success');
    const back = await json<{ name: string; properties: { provisioningState: string } }[]>(['vm', 'extension', 'list', '--vm', 'web-1']);
    assert.deepEqual(back.map((e) => [e.name, e.properties.provisioningState]), [[SNAPSHOT_EXTENSION, 'Succeeded']]);
  });

  it('shows storage accounts and virtual networks (with subnets) as the API has them', async () => {
    const account = await json<{ location: string; sku: { name: string }; properties: { statusOfPrimary: string } }>(['storage-account', 'show', 'restoresa']);
    assert.deepEqual([account.location, account.sku.name, account.properties.statusOfPrimary], ['northeurope', 'Premium_LRS', 'unavailable']);
    const shown = await arca(['storage-account', 'show', 'restoresa']);
    assert.match(shown.stdout, /location: +northeurope\n/);
    assert.match(shown.stdout, /sku: +Premium_LRS \(Premium\)\n/);
    assert.match(shown.stdout, /primary: +unavailable\n/);
    const accounts = await arca(['storage-account', 'list']);
    assert.match(accounts.stdout, /restoresa +restores +northeurope +Premium_LRS +StorageV2 +unavailable/);
    const missing = await arca(['storage-account', 'show', 'nosuch']);
    assert.equal(missing.code, EXIT_CODES.notFound, missing.stderr);
    assert.match(missing.stderr, /ResourceNotFound/);

    const network = await arca(['vnet', 'show', 'prod-net']);
    assert.equal(network.code, 0, network.stderr);
    assert.match(network.stdout, /address space: +10\.1\.0\.0\/16\n/);
    assert.match(network.stdout, /front +10\.1\.1\.0\/24\n/);
    assert.match(network.stdout, /back +10\.1\.2\.0\/24\n/);
    const networks = await json<{ name: string; properties: { subnets: { name: string }[] } }[]>(['vnet', 'list', '--resource-group', 'restores']);
    assert.deepEqual(networks.map((n) => [n.name, n.properties.subnets.map((s) => s.name)]), [['prod-net', ['front', 'back']]]);
  });

  it("shows a resource group's quota, and every group's and region's without --resource-group", async () => {
    assert.deepEqual(await json(['quota', 'show', '--resource-group', 'prod']), [{ scope: 'resource group prod', name: 'virtualMachines', current: 1, limit: 3, unit: 'Count' }]);
    const all = await arca(['quota', 'show']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /region westeurope +virtualMachines +1 +25000\n/);
    assert.match(all.stdout, /resource group prod +virtualMachines +1 +3\n/);
  });

  it("shows a key vault's access policies and changes them: the Backup service by default, any identity with --object-id", async () => {
    const identity = (await arm.request('GET', '/arca/backupServiceIdentity', { apiVersion: '2026-11-01' })).json<{ objectId: string; tenantId: string }>();
    const initial = await arca(['keyvault', 'show', '--vault', 'disks-kv']);
    assert.match(initial.stdout, /disk encryption: +enabled\naccess policies:\n {2}-\n/);

    const granted = await arca(['keyvault', 'set-policy', '--vault', 'disks-kv']);
    assert.equal(granted.code, 0, granted.stderr);
    assert.match(granted.stdout, /granted to .* \(the Backup service\)/);
    await json(['keyvault', 'set-policy', '--vault', 'disks-kv', '--object-id', OTHER_OBJECT, '--tenant-id', KV_TENANT, '--key-permissions', 'get,unwrapKey', '--secret-permissions', 'get']);
    const vault = await json<{ properties: { accessPolicies: { objectId: string; permissions: { keys: string[]; secrets: string[] } }[] } }>(['keyvault', 'show', '--vault', 'disks-kv']);
    assert.deepEqual(vault.properties.accessPolicies.map((p) => [p.objectId, p.permissions.keys, p.permissions.secrets]), [[identity.objectId, ['get', 'list'], ['get', 'list']], [OTHER_OBJECT, ['get', 'unwrapKey'], ['get']]]);
    assert.match((await arca(['keyvault', 'show', '--vault', 'disks-kv'])).stdout, new RegExp(`${identity.objectId} +${identity.tenantId} +get,list +get,list +-`));

    const removed = await json<{ accessPolicies: { objectId: string }[] }>(['keyvault', 'set-policy', '--vault', 'disks-kv', '--object-id', OTHER_OBJECT, '--key-permissions', 'get,unwrapKey', '--secret-permissions', 'get', '--remove']);
    assert.deepEqual(removed.accessPolicies.map((p) => p.objectId), [identity.objectId]);

    const bad = await arca(['keyvault', 'set-policy', '--vault', 'disks-kv', '--object-id', 'not-a-guid']);
    assert.equal(bad.code, EXIT_CODES.usage, bad.stderr);
    assert.match(bad.stderr, /UserErrorInvalidArgument/);
  });

  it("prints arca's version and the signed-in server's, and still answers when no context is signed in or the context is wrong", async () => {
    const signed = await json<{ client: { version: string }; server: { version: string; url: string } }>(['version']);
    assert.equal(signed.client.version, ARCA_VERSION);
    assert.deepEqual([signed.server.version, signed.server.url], [ARCA_VERSION, server.url]);
    assert.match((await arca(['version'])).stdout, new RegExp(`server: +${ARCA_VERSION.replaceAll('.', '\\.')} \\(${server.url}, context`));

    const alone = cli(join(workDir, 'no-config.json'));
    const bare = await alone(['version']);
    assert.equal(bare.code, 0, bare.stderr);
    assert.match(bare.stdout, new RegExp(`arca: +${ARCA_VERSION.replaceAll('.', '\\.')}\n`));
    assert.match(bare.stdout, /server: +not signed in\n/);
    assert.deepEqual(Object.keys(JSON.parse((await alone(['version', '-o', 'json'])).stdout) as object), ['client']);

    const wrong = await arca(['version', '--context', 'nosuch']);
    assert.equal(wrong.code, 0, wrong.stderr);
    assert.match(wrong.stdout, /server: +unknown: CliContextNotFound/);
  });
});
