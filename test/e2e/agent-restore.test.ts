import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sha256File } from '../../src/storage/testing/fixtures.ts';
import { COMPUTE, DISKS, machineProblem, MIB, OneHost, RG, run, same, VM, writeAt } from './one-host.ts';

/**
 * Restore to the original location from an instant point, end to end with real processes on
 * loopback (`arca server`, `arca agent run`, the VMSnapshot extension): the vault hands the
 * machine's agent a `restore` task, and the extension takes a safety point of the disks as they are,
 * then clones the point's snapshots back over them. The disks live on XFS with reflink (an image on
 * a loop device); `os` holds a real ext4 file system on a second loop device, so "a mounted disk is
 * refused" is a real mount. Setup from one-host.ts, as in agent-backup.test.ts.
 */
const ACCOUNT = `${RG}/providers/Microsoft.Storage/storageAccounts/restoresa`;

const problem = await machineProblem();

describe('restore to the original location from an instant point, by the machine\'s agent', { skip: problem ?? false, timeout: 120_000 }, () => {
  let host: OneHost;
  let point: string;

  before(async () => {
    host = await OneHost.create('arca-e2e-restore-');
  });

  after(async () => {
    await host?.close();
  });

  it('sets up: a registered machine with its agent Ready, protected, backed up once', async () => {
    await host.registerAgent();
    await host.createStorageAccount(ACCOUNT);
    await host.readyView();
    await host.protect();

    const job = await host.backupNow();
    assert.equal(job.properties.status, 'Completed', JSON.stringify(job.properties.errorDetails ?? job));
    const folders = await host.pointFolders();
    assert.equal(folders.length, 1);
    point = folders[0] as string;
  });

  it('refuses over a running machine, then (machine stopped) the agent refuses while a disk is still mounted', async () => {
    // The disks change after the backup: files in the ext4 file system, blocks of the raw disks.
    await writeFile(join(host.ext4Mount, 'hello.txt'), 'changed after the backup\n');
    await run('sync', ['-f', join(host.ext4Mount, 'hello.txt')]);
    await writeAt(host.disk('dense'), 3 * MIB, randomBytes(256 * 1024));
    await writeAt(host.disk('sparse'), 20 * MIB, randomBytes(65536));
    const running = await host.restoreOriginal(point, ACCOUNT);
    assert.equal(running.status, 409, running.body);
    assert.match(running.body, /UserErrorRestoreTargetVmRunning/);

    assert.equal((await host.arca('POST', `${VM}/powerOff`, undefined, COMPUTE)).status, 200);
    const asked = await host.restoreOriginal(point, ACCOUNT);
    assert.equal(asked.status, 202, asked.body);
    const job = await host.finishedJob(String(asked.headers['azure-asyncoperation']));
    assert.equal(job.properties.status, 'Failed');
    assert.match(JSON.stringify(job.properties.errorDetails), /UserErrorRestoreTargetVmRunning/);
    assert.match(JSON.stringify(job.properties.errorDetails), /mounted at/);
    assert.ok(!(await same(host.disk('dense'), join(point, 'dense.img'))), 'a refused restore wrote nothing');
    assert.ok(!(await host.pointFolders()).some((f) => basename(f).startsWith('before-restore-')), 'and took no safety point');
  });

  it('restores the stopped machine: a safety point equal to the disks before, then each disk cmp-equal to the snapshot', async () => {
    await host.unmountOs();
    const beforeRestore = Object.fromEntries(await Promise.all(DISKS.map(async (name) => [name, await sha256File(host.disk(name))] as const)));
    const asked = await host.restoreOriginal(point, ACCOUNT);
    assert.equal(asked.status, 202, asked.body);
    const job = await host.finishedJob(String(asked.headers['azure-asyncoperation']));
    assert.equal(job.properties.status, 'Completed', JSON.stringify(job.properties.errorDetails ?? job));
    assert.deepEqual(job.properties.extendedInfo.tasksList.map((t) => t.status), ['Completed', 'Completed']);
    for (const name of DISKS) assert.ok(await same(host.disk(name), join(point, `${name}.img`)), `disk ${name} equals the point's snapshot`);

    const safety = (await host.pointFolders()).filter((f) => basename(f).startsWith('before-restore-'));
    assert.equal(safety.length, 1, 'one safety point, beside the instant points');
    for (const name of DISKS) assert.equal(await sha256File(join(safety[0] as string, `${name}.img`)), beforeRestore[name], `the safety copy of ${name} is the disk as it was before the restore`);
    const bag = job.properties.extendedInfo.propertyBag ?? {};
    assert.match(JSON.stringify(bag), new RegExp(basename(safety[0] as string)), 'the job names the safety point');

    // The ext4 file system is back as the backup froze it.
    await host.mountOs();
    assert.equal(await readFile(join(host.ext4Mount, 'hello.txt'), 'utf8'), 'first version\n');
  });
});
