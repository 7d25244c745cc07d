import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT_CODES } from '../../src/cli/exit-codes.ts';
import { startServer, type RunningServer } from '../support/arca-process.ts';
import { ArmTestClient } from '../support/arm-client.ts';
import { makeDiskImage } from '../support/backup-flow-fixtures.ts';
import { TestAgent } from '../support/test-agent.ts';
import { cli } from './cli-support.ts';

interface Job {
  name: string;
  properties: { operation: string; status: string; errorDetails?: { code: string }[]; extendedInfo: { tasksList: { taskId: string; status: string }[] } };
}

/**
 * An operator's day with the real `arca` binary against a real server: vault, policy from flags,
 * protection, backup now with and without an agent, jobs, recovery points, restore validation,
 * and the exit codes scripts rely on. The machines are declared through the API, as an operator's
 * provisioning would; the in-process test agent plays web-1's agent.
 */
describe('arca operator commands, from vault to restore', () => {
  let dataDir: string;
  let workDir: string;
  let server: RunningServer;
  let arm: ArmTestClient;
  let arca: ReturnType<typeof cli>;
  let agent: TestAgent | undefined;
  const images: { name: string; path: string }[] = [];
  let backupJob = '';
  let point = '';

  const putVm = async (name: string, disks: readonly string[]) => {
    const created = await arm.request('PUT', `/resourceGroups/prod/providers/Microsoft.Compute/virtualMachines/${name}`, {
      apiVersion: '2024-03-01',
      body: {
        location: 'westeurope',
        properties: {
          hardwareProfile: { vmSize: 'Standard_B2s' },
          storageProfile: { osDisk: { name: disks[0], diskSizeGB: 1, osType: 'Linux' }, dataDisks: disks.slice(1).map((d, i) => ({ lun: i, name: d, diskSizeGB: 1 })) },
        },
      },
    });
    assert.ok(created.status === 200 || created.status === 201, created.body);
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'arca-cli-flow-'));
    workDir = await mkdtemp(join(tmpdir(), 'arca-cli-flow-machine-'));
    server = await startServer(dataDir, ['--retry-after', '0']);
    arm = await ArmTestClient.forDataDir(dataDir, (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim());
    arca = cli(join(workDir, 'config.json'));
    const login = await arca(['login', '--server', server.url, '--ca', arm.info.caFile, '--token-file', join(dataDir, 'admin-token')]);
    assert.equal(login.code, 0, login.stderr);
    for (const [name, size] of [['web-1-os', 2 << 20], ['web-1-data', 1 << 20]] as const) {
      const path = join(workDir, `${name}.img`);
      await makeDiskImage(path, size);
      images.push({ name, path });
    }
  });

  after(async () => {
    await agent?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('creates a vault and policies from flags, and shows them', async () => {
    const vault = await arca(['vault', 'create', 'vault1', '--resource-group', 'prod', '--location', 'westeurope']);
    assert.equal(vault.code, 0, vault.stderr);
    assert.equal((await arca(['context', 'set', '--vault', 'vault1', '--resource-group', 'prod'])).code, 0);

    const daily = await arca(['policy', 'create', '--name', 'daily-30', '--daily', '02:30', '--retain-daily', '30', '--retain-monthly', '6', '--instant-days', '2']);
    assert.equal(daily.code, 0, daily.stderr);
    assert.match(daily.stdout, /daily at 02:30 \(UTC\); keeps 30 days, 6 months/);
    const hourly = await arca(['policy', 'create', '--name', 'every-4h', '--hourly', '4', '--window-start', '08:00', '--window-hours', '12', '--retain-daily', '7', '-o', 'json']);
    assert.equal(hourly.code, 0, hourly.stderr);
    const created = JSON.parse(hourly.stdout) as { properties: { policyType: string; schedulePolicy: { hourlySchedule: { interval: number } } } };
    assert.equal(created.properties.policyType, 'V2');
    assert.equal(created.properties.schedulePolicy.hourlySchedule.interval, 4);

    const list = await arca(['policy', 'list']);
    assert.match(list.stdout, /daily-30 +V1 +daily at 02:30 \(UTC\) +2 /);
    assert.match(list.stdout, /every-4h +V2 +every 4 h from 08:00 for 12 h \(UTC\)/);

    const tooLong = await arca(['policy', 'create', '--name', 'bad-instant', '--daily', '02:30', '--retain-daily', '30', '--instant-days', '9']);
    assert.equal(tooLong.code, EXIT_CODES.usage, tooLong.stderr);
    assert.match(tooLong.stderr, /error UserErrorInstantRpRetentionOutOfRange/);
  });

  it('protects machines declared through the API; a backup without an agent fails with the agent code (exit 6)', async () => {
    await putVm('web-1', ['web-1-os', 'web-1-data']);
    await putVm('db-1', ['db-1-os']);
    for (const vm of ['web-1', 'db-1']) {
      const run = await arca(['protection', 'enable', '--vm', vm, '--policy', 'daily-30']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`${vm}: protected; protection state \\w+, policy daily-30`));
    }
    const vms = await arca(['vm', 'show', 'db-1']);
    assert.match(vms.stdout, /agent: +Not Installed/);

    const run = await arca(['backup', 'now', '--vm', 'db-1', '--wait']);
    assert.equal(run.code, EXIT_CODES.unavailable, run.stderr);
    assert.match(run.stdout, /status: +Failed/);
    assert.match(run.stdout, /Take Snapshot +Failed/);
    assert.match(run.stdout, /error UserErrorGuestAgentStatusUnavailable \(770100\)/);
    assert.match(run.stdout, /1\. On the machine/);
  });

  it('creates a registration token with the command to run; with the agent registered, backup now --wait completes (exit 0)', async () => {
    const token = await arca(['agent', 'token', 'create', '--vm', 'web-1', '--expires-in', '30']);
    assert.equal(token.code, 0, token.stderr);
    const secret = /--token (\S+)/.exec(token.stdout)?.[1] ?? '';
    const machineId = /--machine-id (\S+)/.exec(token.stdout)?.[1] ?? '';
    assert.match(token.stdout, new RegExp(`sudo arca agent register --vault ${server.url} --machine-id [0-9a-f-]{36} --token \\S+ --ca-fingerprint [0-9A-F:]{95}`));
    agent = await TestAgent.register({ url: server.url, ca: arm.ca, serverDataDir: dataDir, machineId, disks: images, workDir }, secret);

    const [backup] = await Promise.all([arca(['backup', 'now', '--vm', 'web-1', '--wait', '-o', 'json']), agent.runOnce({ waitForTask: true })]);
    assert.equal(backup.code, 0, backup.stderr);
    const job = JSON.parse(backup.stdout) as Job;
    assert.equal(job.properties.status, 'Completed');
    assert.deepEqual(job.properties.extendedInfo.tasksList.map((t) => [t.taskId, t.status]), [['Take Snapshot', 'Completed'], ['Transfer data to vault', 'Completed']]);
    backupJob = job.name;
  });

  it('creates a registration token for a machine not yet known (--create); the registration creates the VM', async () => {
    const token = await arca(['agent', 'token', 'create', '--create', '--vm', 'edge-1', '--resource-group', 'prod', '-o', 'json']);
    assert.equal(token.code, 0, token.stderr);
    const made = JSON.parse(token.stdout) as { machineId: string; secret: string; registerCommand: string };
    assert.match(made.registerCommand, new RegExp(`--machine-id ${made.machineId} `));
    const image = join(workDir, 'edge-1-os.img');
    await makeDiskImage(image, 1 << 20);
    const edge = await TestAgent.register({ url: server.url, ca: arm.ca, serverDataDir: dataDir, machineId: made.machineId, disks: [{ name: 'edge-1-os', path: image }], workDir }, made.secret);
    assert.match(edge.vmResourceId, /\/resourceGroups\/prod\/providers\/Microsoft\.Compute\/virtualMachines\/edge-1$/i);
    assert.match((await arca(['vm', 'show', 'edge-1'])).stdout, /agent: +Ready/);
    await edge.close();
    const taken = await arca(['agent', 'token', 'create', '--create', '--vm', 'edge-1', '--resource-group', 'prod']);
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, /VirtualMachineNameTaken/);
    const noGroup = await arca(['agent', 'token', 'create', '--create', '--vm', 'edge-2']);
    assert.equal(noGroup.code, EXIT_CODES.usage, noGroup.stderr);
  });

  it('lists, shows and watches jobs: filters, tasks, and the exit code of how the job ended', async () => {
    const failed = await arca(['job', 'list', '--status', 'Failed', '--operation', 'Backup', '--since', '1h', '-o', 'json']);
    assert.equal(failed.code, 0, failed.stderr);
    const jobs = JSON.parse(failed.stdout) as Job[];
    assert.deepEqual(jobs.map((j) => [j.properties.status, j.properties.errorDetails?.[0]?.code]), [['Failed', 'UserErrorGuestAgentStatusUnavailable']]);

    const failedShown = await arca(['job', 'show', jobs[0]?.name ?? '', '--lang', 'es']);
    assert.equal(failedShown.code, 0, failedShown.stderr);
    assert.match(failedShown.stdout, /error UserErrorGuestAgentStatusUnavailable \(770100\): El agente invitado/);
    assert.match(failedShown.stdout, /Qué hacer:\n {4}1\. /);

    const shown = await arca(['job', 'show', backupJob]);
    assert.match(shown.stdout, /Transfer data to vault +Completed +100%/);
    const watched = await arca(['job', 'watch', backupJob]);
    assert.equal(watched.code, 0, watched.stderr);
    assert.match(watched.stdout, /Backup [0-9a-f-]{36}: Completed/);
    const watchedFailure = await arca(['job', 'watch', jobs[0]?.name ?? '']);
    assert.equal(watchedFailure.code, EXIT_CODES.unavailable, 'a failed job exits with its error code\'s exit code');
  });

  it('lists the recovery point the backup made', async () => {
    const run = await arca(['point', 'list', '--vm', 'web-1', '-o', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const points = JSON.parse(run.stdout) as { name: string; properties: { recoveryPointType: string } }[];
    assert.equal(points.length, 1);
    point = points[0]?.name ?? '';
    const table = await arca(['rp', 'list', '--vm', 'web-1', '--since', '1h']);
    assert.match(table.stdout, new RegExp(`^${point} +\\S+ +\\w+Consistent +instant\\+vault +2\\b`, 'm'));
    const none = await arca(['point', 'list', '--vm', 'web-1', '--until', '2020-01-01T00:00:00Z', '-o', 'json']);
    assert.deepEqual(JSON.parse(none.stdout), []);
  });

  it('validates a restore first: a storage account in another region is refused with its code, in Spanish', async () => {
    const account = await arm.request('PUT', '/resourceGroups/prod/providers/Microsoft.Storage/storageAccounts/farawaysa', {
      apiVersion: '2023-01-01',
      body: { location: 'eastus', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' },
    });
    assert.ok(account.status === 200 || account.status === 201, account.body);
    const run = await arca(['restore', '--vm', 'web-1', '--point', point, '--type', 'disks', '--storage-account', 'farawaysa', '--validate-only', '--lang', 'es']);
    assert.equal(run.code, EXIT_CODES.usage, run.stderr);
    assert.match(run.stderr, /error UserErrorStorageAccountRegionMismatch \(\d+\): /);
    assert.match(run.stderr, /Qué hacer:\n {4}1\. /);
    assert.match(run.stderr, /eastus/);

    await arm.request('PUT', '/resourceGroups/prod/providers/Microsoft.Storage/storageAccounts/restoresa', { apiVersion: '2023-01-01', body: { location: 'westeurope', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' } });
    const valid = await arca(['restore', '--vm', 'web-1', '--point', point, '--type', 'disks', '--storage-account', 'restoresa', '--validate-only']);
    assert.equal(valid.code, 0, valid.stderr);
    assert.match(valid.stdout, /The restore is valid; nothing was started/);
  });

  it('stops protection keeping the data (backup now then refused, exit 4), resumes it, and manages locks', async () => {
    const stop = await arca(['protection', 'stop', '--vm', 'db-1']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, /db-1: protection stopped, data kept; protection state ProtectionStopped/);
    const refused = await arca(['backup', 'now', '--vm', 'db-1']);
    assert.equal(refused.code, EXIT_CODES.conflict, refused.stderr);
    assert.match(refused.stderr, /error UserErrorBcmDatasourceNotPresent/);
    const noPolicy = await arca(['protection', 'resume', '--vm', 'db-1']);
    assert.equal(noPolicy.code, EXIT_CODES.usage);
    assert.match(noPolicy.stderr, /--policy.*keeps no policy/);
    const resume = await arca(['protection', 'resume', '--vm', 'db-1', '--policy', 'daily-30', '-o', 'json']);
    assert.equal(resume.code, 0, resume.stderr);
    assert.notEqual((JSON.parse(resume.stdout) as { properties: { protectionState: string } }).properties.protectionState, 'ProtectionStopped');

    assert.equal((await arca(['lock', 'create', 'keep-prod', '--resource-group', 'prod', '--notes', 'production'])).code, 0);
    const locks = await arca(['locks', 'list', '--resource-group', 'prod']);
    assert.match(locks.stdout, /keep-prod +CanNotDelete +production/);
    const deleteVault = await arca(['vault', 'delete', 'vault1', '--yes']);
    assert.equal(deleteVault.code, EXIT_CODES.conflict, 'a vault that protects machines is not deleted');
    assert.match(deleteVault.stderr, /error UserErrorVaultNotEmpty/);
    assert.equal((await arca(['lock', 'delete', 'keep-prod', '--resource-group', 'prod'])).code, 0);
    assert.doesNotMatch((await arca(['lock', 'list', '--resource-group', 'prod'])).stdout, /keep-prod/);
  });

  it('exits 3 for what does not exist, 4 for a conflict with the current state, 5 for what the role does not allow', async () => {
    const missing = await arca(['policy', 'show', 'no-such-policy']);
    assert.equal(missing.code, EXIT_CODES.notFound, missing.stderr);
    assert.match(missing.stderr, /error UserErrorPolicyNotFound/);

    const inUse = await arca(['policy', 'delete', 'daily-30']);
    assert.equal(inUse.code, EXIT_CODES.conflict, inUse.stderr);
    assert.match(inUse.stderr, /error UserErrorPolicyInUse/);

    const reader = (await arm.request('POST', '/arca/principals', { apiVersion: '2026-11-01', body: { name: 'auditor', type: 'User', role: 'Reader' } })).json<{ token: string }>();
    assert.equal((await arca(['login', '--server', server.url, '--ca', arm.info.caFile, '--token-stdin', '--name', 'auditor', '--vault', 'vault1', '--resource-group', 'prod'], { input: reader.token })).code, 0);
    const refused = await arca(['backup', 'now', '--vm', 'web-1']);
    assert.equal(refused.code, EXIT_CODES.unauthorized, refused.stderr);
    assert.match(refused.stderr, /error AuthorizationFailed/);
    const allowed = await arca(['protection', 'list', '-o', 'json']);
    assert.equal(allowed.code, 0, 'a Reader may still look');
    assert.equal((JSON.parse(allowed.stdout) as unknown[]).length, 2);
  });
});
