import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../src/platform/system-clock.ts';
import { SqliteMetadataStore } from '../../src/server/persistence/index.ts';
import { SCHEDULE_PLANS, type SchedulePlan } from '../../src/server/scheduler/index.ts';
import { REPOSITORY_FOLDER, REPOSITORY_PASSPHRASE_FILE } from '../../src/server/vault-repository.ts';
import { LocalFsBlobStore } from '../../src/storage/blob/local-fs-blob-store.ts';
import type { RecoveryPointManifest } from '../../src/storage/points/manifest.ts';
import { listPointIds, loadPoint } from '../../src/storage/points/point-store.ts';
import { Repository } from '../../src/storage/repository/repository.ts';
import { COMPUTE, DISKS, ITEM, machineProblem, MIB, OneHost, RG, run, V, VM, writeAt, type Job } from './one-host.ts';

/**
 * The end-to-end test, with real processes on loopback: `arca server`, `arca agent
 * register`, `arca agent run`, and the VMSnapshot extension the agent starts. The VM's disks are
 * image files on an XFS file system with reflink (itself an image, loop-mounted): `os` holds a real
 * ext4 file system attached through a second loop device and mounted, so the freeze is a real
 * fsfreeze and the snapshot a real reflink clone; `dense` is random data, `sparse` mostly holes.
 * README.md's walk-through runs the same steps with curl.
 */

const problem = await machineProblem();

describe('agent backup end to end: arca server, arca agent and the VMSnapshot extension on real disks', { skip: problem ?? false, timeout: 120_000 }, () => {
  let host: OneHost;
  /** Snapshot folders of the instant tier, per backup: the disks as each backup saw them. */
  const points: string[] = [];

  before(async () => {
    host = await OneHost.create('arca-e2e-agent-');
  });

  after(async () => {
    await host?.close();
  });

  /** The newest recovery point's manifest, read from the vault's repository folder. */
  async function newestManifest(): Promise<RecoveryPointManifest> {
    const passphrase = (await readFile(join(host.dataDir, REPOSITORY_PASSPHRASE_FILE), 'utf8')).trim();
    const repo = await Repository.open(new LocalFsBlobStore(join(host.dataDir, REPOSITORY_FOLDER)), { passphrase, clock: systemClock });
    const ids = await listPointIds(repo);
    return loadPoint(repo, ids.at(-1) ?? assert.fail('the repository holds no point'));
  }

  /** Backs up now; returns the instant-tier folder the backup's snapshots went to. */
  async function backupNow(): Promise<string> {
    const earlier = await host.pointFolders();
    const job = await host.backupNow();
    assert.equal(job.properties.status, 'Completed', JSON.stringify(job.properties.errorDetails ?? job));
    assert.deepEqual(job.properties.extendedInfo.tasksList.map((t) => [t.taskId, t.status]), [['Take Snapshot', 'Completed'], ['Transfer data to vault', 'Completed']]);
    const added = (await host.pointFolders()).filter((folder) => !earlier.includes(folder));
    assert.equal(added.length, 1, 'the backup kept its snapshots as one instant point beside the disks');
    return added[0] as string;
  }

  it('registers the machine with arca agent register and runs arca agent run until the vault sees it Ready', async () => {
    const { registered } = await host.registerAgent();
    assert.match(registered, /Registered machine/);
    const view = await host.readyView();
    assert.ok(view.osName, 'the agent reported the operating system when it registered');
    const disks = (await host.arca('GET', VM, undefined, COMPUTE)).json<{ properties: { storageProfile: { osDisk: { path: string; encryption: { type: string } } } } }>();
    assert.equal(disks.properties.storageProfile.osDisk.path, host.disk('os'));
    assert.equal(disks.properties.storageProfile.osDisk.encryption.type, 'None', 'an ext4 disk has no LUKS header');
    await host.protect();
  });

  it('backs up: a real freeze and reflink snapshot, both tasks Completed, a FileSystemConsistent point', async () => {
    points.push(await backupNow());
    const listed = (await host.arca('GET', `${ITEM}/recoveryPoints`)).json<{ value: { name: string; properties: { recoveryPointType: string } }[] }>();
    assert.equal(listed.value.length, 1);
    assert.equal(listed.value[0]?.properties.recoveryPointType, 'FileSystemConsistent');
    assert.match(host.agentOutput, /snapshot task ended/);
    // The extension got the upload channel's credentials in its protected settings, readable by root only, and never the repository's passphrase.
    const configDir = join(host.work, 'agent-lib', 'Arca.Backup.VMSnapshotLinux-1.0.0', 'config');
    const passphrase = (await readFile(join(host.dataDir, 'repository-passphrase'), 'utf8')).trim();
    for (const name of await readdir(configDir)) {
      const text = await readFile(join(configDir, name), 'utf8');
      assert.equal((await stat(join(configDir, name))).mode & 0o777, 0o600, `${name} is private`);
      assert.ok(!text.includes(passphrase), `${name} does not carry the repository passphrase`);
      assert.match(text, /"vault"/);
    }
  });

  it('backs up again after files and blocks changed', async () => {
    await writeFile(join(host.ext4Mount, 'hello.txt'), 'second version\n');
    await writeFile(join(host.ext4Mount, 'more.bin'), randomBytes(2 * MIB));
    await run('sync', ['-f', join(host.ext4Mount, 'more.bin')]);
    for (const offset of [MIB, 9 * MIB + 4096]) await writeAt(host.disk('dense'), offset, randomBytes(128 * 1024));
    const first = await newestManifest();
    points.push(await backupNow());
    const listed = (await host.arca('GET', `${ITEM}/recoveryPoints`)).json<{ value: { name: string }[] }>();
    assert.equal(listed.value.length, 2);
    // Change tracking over the upload channel: the machine's kept chunk ids, vouched for by the first
    // point's manifest, let the second backup skip the chunks both snapshots still share.
    const second = await newestManifest();
    assert.notEqual(second.id, first.id);
    const sizes = second.disks.reduce((sum, d) => sum + d.size, 0);
    for (const d of second.disks) {
      assert.equal(d.reading?.previousPoint, first.id, `${d.name}: ${d.reading?.fullReadReason ?? 'no reading recorded'}`);
      assert.ok((d.reading?.bytesSkipped ?? 0) > 0, `${d.name} skipped unchanged chunks`);
    }
    assert.ok(second.stats.bytesRead < sizes, `the second backup read ${second.stats.bytesRead} of ${sizes} bytes`);
    assert.ok(second.stats.bytesRead > 0, 'it read the rewritten blocks');
  });

  it('restores both points with RestoreDisks, each disk cmp-equal to what its backup saw', async () => {
    const account = `${RG}/providers/Microsoft.Storage/storageAccounts/restoresa`;
    await host.createStorageAccount(account);
    const listed = (await host.arca('GET', `${ITEM}/recoveryPoints`)).json<{ value: { name: string }[] }>();
    // A recovery point is named as its instant point, whose folder holds the snapshots the backup read.
    assert.deepEqual(listed.value.map((p) => p.name).toSorted(), points.map((folder) => basename(folder)).toSorted());
    for (const [i, folder] of points.entries()) {
      const point = { name: basename(folder) };
      const asked = await host.arca('POST', `${ITEM}/recoveryPoints/${point.name}/restore`, {
        properties: { objectType: 'IaasVMRestoreRequest', recoveryType: 'RestoreDisks', sourceResourceId: `/subscriptions/${host.arm.info.subscriptionId}${VM}`, storageAccountId: `/subscriptions/${host.arm.info.subscriptionId}${account}`, region: 'westeurope' },
      });
      assert.equal(asked.status, 202, asked.body);
      const operation = String(asked.headers['azure-asyncoperation']);
      const job = await host.finishedJob(operation);
      assert.equal(job.properties.status, 'Completed', JSON.stringify(job.properties.errorDetails ?? job));
      const jobId = (await host.arm.request('GET', operation)).json<{ properties: { jobId: string } }>().properties.jobId;
      const restored = join(host.dataDir, 'storage-accounts', 'restoresa', `arca-restore-${jobId}`);
      for (const name of DISKS) {
        const compared = await run('cmp', [join(restored, `${name}.img`), join(folder, `${name}.img`)]).then(() => 'equal', (error: { stdout?: string }) => error.stdout ?? 'differ');
        assert.equal(compared, 'equal', `disk ${name} of point ${i + 1} restored byte for byte`);
      }
      // The restored ext4 file system holds the file as it was when that backup froze it.
      const hello = await run('debugfs', ['-R', 'cat /hello.txt', join(restored, 'os.img')]);
      assert.equal(hello.stdout, i === 0 ? 'first version\n' : 'second version\n');
    }
    // The two points differ where the data changed, so each comparison above was against its own backup.
    const changed = await run('cmp', [join(points[0] as string, 'dense.img'), join(points[1] as string, 'dense.img')]).then(() => false, () => true);
    assert.ok(changed, 'the second backup saw the rewritten blocks');
  });

  it('fires a scheduled backup when its policy slot comes due', async () => {
    // As if the vault had last planned the item yesterday: the slot of the last half hour is due at the next tick.
    const store = SqliteMetadataStore.open(join(host.dataDir, 'metadata.db'));
    try {
      const plan = await store.get<SchedulePlan>(SCHEDULE_PLANS, `/subscriptions/${host.arm.info.subscriptionId}${ITEM}`.toLowerCase());
      assert.ok(plan, "protecting the item started the item's plan");
      await store.put<SchedulePlan>(SCHEDULE_PLANS, { id: plan.id, data: { ...plan.data, plannedThrough: new Date(Date.now() - 86_400_000).toISOString() }, index: plan.index }, { expectedVersion: plan.version });
    } finally {
      await store.close();
    }
    const scheduled = await host.until('a scheduled backup ends', async () => {
      const jobs = (await host.arca('GET', `${V}/backupJobs?$filter=${encodeURIComponent("operation eq 'Backup'")}`)).json<{ value: Job[] }>();
      return jobs.value.find((job) => job.properties.isUserTriggered === false && job.properties.status !== 'InProgress');
    });
    assert.equal(scheduled.properties.status, 'Completed', JSON.stringify(scheduled.properties.errorDetails ?? scheduled));
    assert.equal((await host.arca('GET', `${ITEM}/recoveryPoints`)).json<{ value: unknown[] }>().value.length, 3);
  });
});
