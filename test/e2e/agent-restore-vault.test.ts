import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sha256File } from '../../src/storage/testing/fixtures.ts';
import { AGENT_API_VERSION } from '../../src/protocol/index.ts';
import { LocalFsBlobStore } from '../../src/storage/blob/local-fs-blob-store.ts';
import { listPointIds } from '../../src/storage/points/point-store.ts';
import { Repository } from '../../src/storage/repository/repository.ts';
import { systemClock } from '../../src/platform/system-clock.ts';
import { COMPUTE, DISKS, ITEM, machineProblem, MIB, OneHost, RG, run, same, VM, writeAt } from './one-host.ts';

/**
 * Restore to the original location from the vault tier, end to end with real processes on loopback
 * (`arca server`, `arca agent run`, the VMSnapshot extension): once the point's instant snapshot is
 * gone, the vault hands the machine's agent a `restore` task naming the repository point; the
 * extension takes a safety point of the disks as they are, then reads the point's chunk lists
 * through the restore read routes, hashes each of the disk's chunks with the repository's keyed id,
 * and fetches and writes only the chunks that differ (zeroing those the point has as holes).
 * Another machine's Agent token cannot read the point. Setup from one-host.ts.
 */
const ACCOUNT = `${RG}/providers/Microsoft.Storage/storageAccounts/restoresa`;
const CHUNK = 4 * MIB;

const problem = await machineProblem();

describe('restore to the original location from the vault tier, changed chunks written by the machine\'s agent', { skip: problem ?? false, timeout: 150_000 }, () => {
  let host: OneHost;
  let point: string;
  let repositoryPoint: string;
  let expected: string;

  before(async () => {
    host = await OneHost.create('arca-e2e-restore-vault-');
  });

  after(async () => {
    await host?.close();
  });

  /** A restore read route with a given Agent token, as the extension calls it. */
  const readPoint = (token: string, machineId: string, pointId: string) =>
    host.arm.as(token).request('GET', `/arca/agent/machines/${machineId}/repository/restore-points/${pointId}`, { apiVersion: AGENT_API_VERSION });

  it('sets up: a registered machine backed up once, its backed-up disks kept aside, its instant snapshot deleted', async () => {
    await host.registerAgent();
    await host.createStorageAccount(ACCOUNT);
    await host.readyView();
    await host.protect();
    const job = await host.backupNow();
    assert.equal(job.properties.status, 'Completed', JSON.stringify(job.properties.errorDetails ?? job));
    [point] = (await host.pointFolders()) as [string];
    assert.ok(point);

    // What the backup holds, kept aside (reflink copies on the same XFS) before the snapshot goes.
    expected = join(host.xfsMount, 'expected');
    await mkdir(expected);
    for (const name of DISKS) await run('cp', ['--reflink=always', join(point, `${name}.img`), join(expected, `${name}.img`)]);
    const repo = await Repository.open(new LocalFsBlobStore(join(host.dataDir, 'repository')), { passphrase: (await readFile(join(host.dataDir, 'repository-passphrase'), 'utf8')).trim(), clock: systemClock });
    [repositoryPoint] = (await listPointIds(repo)) as [string];
    assert.ok(repositoryPoint);

    const restorePoint = `/resourceGroups/AzureBackupRG_westeurope_1/providers/Microsoft.Compute/restorePointCollections/${basename(dirname(point))}/restorePoints/${basename(point)}`;
    const deleted = await host.arca('DELETE', restorePoint, undefined, COMPUTE);
    assert.equal(deleted.status, 200, deleted.body);
    await host.until('the agent removes the deleted snapshot', async () => ((await host.pointFolders()).length === 0 ? true : undefined));
    const rp = await host.arca('GET', `${ITEM}/recoveryPoints/${basename(point)}`);
    assert.match(rp.body, /"type":"InstantRP","status":"Deleted"/);
  });

  it('reads a point only for its own machine, and only while a restore of it runs', async () => {
    const credentials = JSON.parse(await readFile(join(host.work, 'agent-lib', 'credentials.json'), 'utf8')) as { agentToken: string };
    const idle = await readPoint(credentials.agentToken, host.vmId, repositoryPoint);
    assert.equal(idle.status, 403, idle.body);
    assert.match(idle.body, /RestoreReadNoOpenTask/);

    // A second machine, registered through the agent protocol, with its own Agent token.
    const other = await host.arca('PUT', `${RG}/providers/Microsoft.Compute/virtualMachines/web-2`, {
      location: 'westeurope',
      properties: { hardwareProfile: { vmSize: 'Standard_B2s' }, storageProfile: { osDisk: { name: 'os', diskSizeGB: 1, osType: 'Linux' }, dataDisks: [] } },
    }, COMPUTE);
    assert.equal(other.status, 201, other.body);
    const otherId = other.json<{ properties: { vmId: string } }>().properties.vmId;
    const token = await host.arca('POST', '/arca/registrationTokens', { machineId: otherId, expiresInMinutes: 10 }, AGENT_API_VERSION);
    assert.equal(token.status, 201, token.body);
    const registered = await host.arm.request('POST', '/arca/agent/register', {
      apiVersion: AGENT_API_VERSION,
      body: { registrationToken: token.json<{ secret: string }>().secret, machineId: otherId, agent: { status: 'Ready', version: '1.0.0' }, disks: [{ name: 'os', path: '/vms/web-2/os.img', sizeBytes: MIB }] },
    });
    assert.equal(registered.status, 200, registered.body);
    const otherToken = registered.json<{ agentToken: string }>().agentToken;

    // The other machine has no restore of the point open, so the point is not even looked up.
    const foreign = await readPoint(otherToken, otherId, repositoryPoint);
    assert.equal(foreign.status, 403, foreign.body);
    assert.match(foreign.body, /RestoreReadNoOpenTask/);
    const chunk = await host.arm.as(otherToken).request('GET', `/arca/agent/machines/${otherId}/repository/restore-points/${repositoryPoint}/disks/1/chunks/0`, { apiVersion: AGENT_API_VERSION });
    assert.equal(chunk.status, 403, chunk.body);
    assert.match(chunk.body, /RestoreReadNoOpenTask/);
    const posing = await readPoint(otherToken, host.vmId, repositoryPoint);
    assert.equal(posing.status, 403, posing.body);
    assert.match(posing.body, /AuthorizationFailed/);
  });

  it('restores the stopped machine from the vault tier: a safety point, only the changed chunks written, disks cmp-equal to the backup', async () => {
    // After the backup: a file changed in the ext4 file system, a block of the dense disk, and data where the sparse disk had a hole.
    await writeFile(join(host.ext4Mount, 'hello.txt'), 'changed after the backup\n');
    await run('sync', ['-f', join(host.ext4Mount, 'hello.txt')]);
    await writeAt(host.disk('dense'), 3 * MIB, randomBytes(256 * 1024));
    await writeAt(host.disk('sparse'), 20 * MIB, randomBytes(65536));
    assert.equal((await host.arca('POST', `${VM}/powerOff`, undefined, COMPUTE)).status, 200);
    await host.unmountOs();
    for (const name of DISKS) if (name !== 'os') assert.ok(!(await same(host.disk(name), join(expected, `${name}.img`))), `disk ${name} changed since the backup`);
    const beforeRestore = Object.fromEntries(await Promise.all(DISKS.map(async (name) => [name, await sha256File(host.disk(name))] as const)));

    const asked = await host.restoreOriginal(point, ACCOUNT);
    assert.equal(asked.status, 202, asked.body);
    const job = await host.finishedJob(String(asked.headers['azure-asyncoperation']));
    assert.equal(job.properties.status, 'Completed', `${JSON.stringify(job.properties.errorDetails ?? job)}\n${host.agentOutput.slice(-3000)}`);
    for (const name of DISKS) assert.ok(await same(host.disk(name), join(expected, `${name}.img`)), `disk ${name} cmp-equal to the backed-up disk`);

    const bag = job.properties.extendedInfo.propertyBag ?? {};
    assert.match(bag['Restored from'] ?? '', /Vault tier/);
    assert.equal(bag['Target VM Name'], 'web-1');
    const perDisk = Object.fromEntries((bag['Chunks written per disk'] ?? '').split(', ').map((entry) => entry.split(': ') as [string, string]));
    assert.equal(perDisk['dense'], '1 of 4', 'the dense disk: only the chunk that changed');
    assert.equal(perDisk['sparse'], '1 of 24', 'the sparse disk: only the hole that got data, zeroed again');
    const [osWritten, osTotal] = (perDisk['os'] ?? '').split(' of ').map(Number);
    assert.equal(osTotal, 16);
    assert.ok(osWritten !== undefined && osWritten >= 1 && osWritten < 16, `the os disk: some chunks, not all (${perDisk['os']})`);
    const written = Number(bag['Chunks written']);
    assert.equal(written, 2 + (osWritten ?? 0));
    assert.equal(Number(bag['Bytes written']), written * CHUNK);
    assert.equal(Number(bag['Bytes unchanged (not written)']), (44 - written) * CHUNK);

    // The safety point holds the disks as they were just before the restore.
    const safety = (await host.pointFolders()).filter((f) => basename(f).startsWith('before-restore-'));
    assert.equal(safety.length, 1, 'one safety point beside the disks');
    for (const name of DISKS) assert.equal(await sha256File(join(safety[0] as string, `${name}.img`)), beforeRestore[name], `the safety copy of ${name} is the disk before the restore`);
    assert.match(JSON.stringify(bag), new RegExp(basename(safety[0] as string)), 'the job names the safety point');

    await host.mountOs();
    assert.equal(await readFile(join(host.ext4Mount, 'hello.txt'), 'utf8'), 'first version\n');
  });
});
