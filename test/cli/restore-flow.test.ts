import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { EXIT_CODES } from '../../src/cli/exit-codes.ts';
import type { RunningServer } from '../support/arca-process.ts';
import type { ArmTestClient } from '../support/arm-client.ts';
import { makeDiskImage } from '../support/backup-flow-fixtures.ts';
import { TestAgent } from '../support/test-agent.ts';
import { signedInCli, type cli } from './cli-support.ts';

const run = promisify(execFile);

/** `cmp` of two files: undefined when they are equal byte for byte, else what cmp said. */
async function differs(a: string, b: string): Promise<string | undefined> {
  return run('cmp', [a, b]).then(
    () => undefined,
    (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
  );
}

interface Job {
  name: string;
  properties: { operation: string; status: string; extendedInfo: { tasksList: { taskId: string; status: string }[]; propertyBag?: Record<string, string> } };
}

/**
 * Restores with the real `arca` binary against a real server, from a recovery point a real backup
 * made (the in-process test agent plays the machine's agent): validation first with every finding
 * and its code, then each recovery type the CLI offers — the disks into a storage account, a new
 * machine, and the original machine from its instant snapshot — each compared with `cmp` against
 * the disks as they were backed up.
 */
describe('arca restore: validation first, then disks, a new machine and the original one', { timeout: 60_000 }, () => {
  let dataDir: string;
  let workDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;
  let arca: ReturnType<typeof cli>;
  let agent: TestAgent;
  const disks: { name: string; path: string; data: Buffer; original: string }[] = [];
  let point = '';

  const put = async (path: string, apiVersion: string, body: unknown) => {
    const response = await arm.request('PUT', path, { apiVersion, body });
    assert.ok([200, 201].includes(response.status), `PUT ${path}: ${response.status} ${response.body}`);
  };
  const restoredFile = (account: string, job: string, disk: string) => join(dataDir, 'storage-accounts', account, `arca-restore-${job}`, `${disk}.img`);
  const restoreJobs = async () => (JSON.parse((await arca(['job', 'list', '--operation', 'Restore', '-o', 'json'])).stdout) as Job[]).map((j) => j.name);

  before(async () => {
    ({ dataDir, workDir, server, arm, arca } = await signedInCli('arca-cli-restore-', { vault: true }));
    assert.equal((await arca(['policy', 'create', '--name', 'daily-30', '--daily', '02:30', '--retain-daily', '30', '--instant-days', '2'])).code, 0);
    // What another engineer's commands will create; through the API here.
    await put('/resourcegroups/dr', '2021-04-01', { location: 'westeurope' });
    for (const [name, location, status] of [['restoresa', 'westeurope', 'available'], ['farawaysa', 'eastus', 'available'], ['offsa', 'westeurope', 'unavailable']] as const) {
      await put(`/resourceGroups/prod/providers/Microsoft.Storage/storageAccounts/${name}`, '2023-01-01', { location, sku: { name: 'Standard_LRS' }, kind: 'StorageV2', properties: { statusOfPrimary: status } });
    }
    await put('/resourceGroups/dr/providers/Microsoft.Network/virtualNetworks/dr-net', '2023-05-01', {
      location: 'westeurope',
      properties: { addressSpace: { addressPrefixes: ['10.1.0.0/16'] }, subnets: [{ name: 'default', properties: { addressPrefix: '10.1.0.0/24' } }] },
    });

    for (const [name, size] of [['web-1-os', 3 << 20], ['web-1-data', (1 << 20) + 4096]] as const) {
      const path = join(workDir, `${name}.img`);
      const data = await makeDiskImage(path, size);
      const original = join(workDir, `${name}.original`);
      await writeFile(original, data);
      disks.push({ name, path, data, original });
    }
    const token = await arca(['agent', 'token', 'create', '--create', '--vm', 'web-1', '--resource-group', 'prod', '-o', 'json']);
    assert.equal(token.code, 0, token.stderr);
    const made = JSON.parse(token.stdout) as { machineId: string; secret: string };
    agent = await TestAgent.register({ url: server.url, ca: arm.ca, serverDataDir: dataDir, machineId: made.machineId, disks: disks.map(({ name, path }) => ({ name, path })), workDir: join(workDir, 'agent') }, made.secret);
    assert.equal((await arca(['protection', 'enable', '--vm', 'web-1', '--policy', 'daily-30'])).code, 0);
    const [backup] = await Promise.all([arca(['backup', 'now', '--vm', 'web-1', '--wait']), agent.runOnce({ waitForTask: true })]);
    assert.equal(backup.code, 0, backup.stdout + backup.stderr);
    point = (JSON.parse((await arca(['point', 'list', '--vm', 'web-1', '-o', 'json'])).stdout) as { name: string }[])[0]?.name ?? '';
    assert.notEqual(point, '');
  });

  after(async () => {
    await agent?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('validates before it starts anything: every finding with its code and steps, exit 2, and no job', async () => {
    const refused = await arca([
      'restore', '--vm', 'web-1', '--point', point, '--type', 'alternate', '--storage-account', 'farawaysa',
      '--target-rg', 'dr', '--target-vm', 'web-1-dr', '--vnet', 'no-net', '--subnet', 'default',
    ]);
    assert.equal(refused.code, EXIT_CODES.usage, refused.stderr);
    const codes = [...refused.stderr.matchAll(/^error (\w+) \(\d+\): .+\n {2}.+\n {2}What to do:\n {4}1\. /gm)].map((m) => m[1]);
    assert.ok(codes.includes('UserErrorStorageAccountRegionMismatch'), refused.stderr);
    assert.ok(codes.length >= 2, `every finding is printed, not only the first: ${refused.stderr}`);
    assert.match(refused.stderr, /no-net/);

    const offline = await arca(['restore', '--vm', 'web-1', '--rp', point, '--type', 'RestoreDisks', '--storage-account', 'offsa', '--lang', 'es']);
    assert.notEqual(offline.code, 0);
    assert.match(offline.stderr, /^error UserErrorStorageAccountOffline \(\d+\): .+\n {2}.+\n {2}Qué hacer:\n {4}1\. /);

    const badType = await arca(['restore', '--vm', 'web-1', '--point', point, '--type', 'somewhere', '--storage-account', 'restoresa']);
    assert.equal(badType.code, EXIT_CODES.usage);
    assert.match(badType.stderr, /--type/);
    const noPoint = await arca(['restore', '--vm', 'web-1', '--point', '19700101000000', '--type', 'disks', '--storage-account', 'restoresa']);
    assert.notEqual(noPoint.code, 0);
    assert.match(noPoint.stderr, /error UserErrorRecoveryPointNotFound/);
    assert.deepEqual(await restoreJobs(), [], 'nothing was started');
  });

  it('restores the disks into a storage account (RestoreDisks, --wait): exit 0, and each file equal to its disk', async () => {
    const restored = await arca(['restore', '--vm', 'web-1', '--point', point, '--type', 'disks', '--storage-account', 'restoresa', '--wait']);
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    assert.match(restored.stdout, /status: +Completed/);
    assert.match(restored.stdout, /Transfer data from vault: Completed 100%/);
    const job = /^job: +(\S+)$/m.exec(restored.stdout)?.[1] ?? '';
    for (const disk of disks) assert.equal(await differs(restoredFile('restoresa', job, disk.name), disk.original), undefined, disk.name);
  });

  it('restores to a new machine (AlternateLocation): the machine exists in the target group, on the restored disks', async () => {
    const restored = await arca([
      'restore', '--vm', 'web-1', '--point', point, '--type', 'alternate', '--storage-account', 'restoresa',
      '--target-rg', 'dr', '--target-vm', 'web-1-dr', '--vnet', 'dr-net', '--subnet', 'default', '--dns-label', 'web-1-dr', '--wait', '-o', 'json',
    ]);
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    const job = JSON.parse(restored.stdout) as Job;
    assert.equal(job.properties.status, 'Completed');
    assert.equal(job.properties.extendedInfo.propertyBag?.['Target VM Name'], 'web-1-dr');
    const vm = await arm.request('GET', '/resourceGroups/dr/providers/Microsoft.Compute/virtualMachines/web-1-dr', { apiVersion: '2024-03-01' });
    assert.equal(vm.status, 200, vm.body);
    for (const disk of disks) assert.equal(await differs(restoredFile('restoresa', job.name, disk.name), disk.original), undefined, disk.name);
  });

  it('restores the original machine from its instant snapshot (OriginalLocation), a job that cannot be cancelled', async () => {
    for (const disk of disks) await makeDiskImage(disk.path, disk.data.length);
    const running = await arca(['restore', '--vm', 'web-1', '--point', point, '--type', 'original', '--storage-account', 'restoresa']);
    assert.equal(running.code, EXIT_CODES.conflict, running.stderr);
    assert.match(running.stderr, /^error UserErrorRestoreTargetVmRunning \(\d+\): .+\n {2}.+\n {2}What to do:\n {4}1\. /);
    assert.deepEqual((await restoreJobs()).length, 2, 'validation refused it before any job');
    // The operator stops the machine (`arca vm stop` is another engineer's command; the API here).
    const stopped = await arm.request('POST', '/resourceGroups/prod/providers/Microsoft.Compute/virtualMachines/web-1/powerOff', { apiVersion: '2024-03-01' });
    assert.equal(stopped.status, 200, stopped.body);

    const started = await arca(['restore', '--vm', 'web-1', '--point', point, '--type', 'original', '--storage-account', 'restoresa']);
    assert.equal(started.code, 0, started.stderr);
    const job = /started: job (\S+)\n {2}follow it with: arca job watch \1\n$/.exec(started.stdout)?.[1] ?? '';
    assert.notEqual(job, '', started.stdout);

    // The job waits for the machine's agent: in progress, and a restore is never cancellable.
    const cancel = await arca(['job', 'cancel', job]);
    assert.equal(cancel.code, EXIT_CODES.usage, cancel.stderr);
    assert.match(cancel.stderr, /^error UserErrorJobCancelNotSupported \(\d+\): .+\n {2}.+\n {2}What to do:\n {4}1\. /);

    await agent.runOnce({ waitForTask: true });
    const watched = await arca(['job', 'watch', job]);
    assert.equal(watched.code, 0, watched.stdout + watched.stderr);
    assert.match(watched.stdout, /operation: +Restore\n(.*\n)*status: +Completed\n/);
    for (const disk of disks) assert.equal(await differs(disk.path, disk.original), undefined, `${disk.name} is as it was backed up`);
  });
});
