import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../platform/system-clock.ts';
import { createLoopRig, run, whyNoLoopRig, type LoopRig } from '../../platform/testing/loop-rig.ts';
import { SNAPSHOT_EXTENSION, type SnapshotTaskGoal, type TaskStatusReport } from '../../protocol/index.ts';
import { LocalFsBlobStore } from '../../storage/blob/local-fs-blob-store.ts';
import { loadPoint } from '../../storage/points/point-store.ts';
import { Repository } from '../../storage/repository/repository.ts';
import { TEST_PASSPHRASE, TEST_SCRYPT } from '../../storage/testing/fixtures.ts';
import { ProcessExtensionHost } from '../host/process-extension-host.ts';
import { runSnapshotTask, type SnapshotTaskDeps } from './snapshot-task.ts';
import { shippedPackages, vmSnapshotManifest } from './manifest.ts';
import { hostDeps, type HostDepsOverrides } from './testing.ts';


/**
 * Real conditions, as root: an XFS file system with reflink (a loop-mounted image) holds the VM's
 * disk image, which holds a real ext4 file system attached through a second loop device and
 * mounted. The freeze is a real fsfreeze of that mount, the snapshot a real FICLONE.
 */
const skip = whyNoLoopRig(['mkfs.ext4', 'fsfreeze', 'filefrag']) ?? false;

type Rig = LoopRig;

const setUp = (): Promise<Rig> => createLoopRig({ prefix: 'arca-vmsnapshot-', xfsSize: '512M', guestDiskSize: '64M' }).then(async (rig) => {
  await writeFile(join(rig.mount, 'hello.txt'), 'hello from the guest\n');
  return rig;
});

const tearDown = (rig: Rig | undefined): Promise<void> => rig?.dispose() ?? Promise.resolve();

const taskFor = (rig: Rig, id: string): SnapshotTaskGoal => ({
  taskId: id, kind: 'snapshot', state: 'pending', jobName: id, collectionId: 'AzureBackupRG_vm1_1', pointName: id, consistencyWanted: 'FileSystemConsistent', disks: [{ name: 'osdisk', path: rig.disk }],
});

/** Extents of `file` flagged shared with another file (FIEMAP through filefrag). */
async function sharedExtents(file: string): Promise<number> {
  const { stdout } = await run('filefrag', ['-v', file]);
  return stdout.split('\n').filter((line) => /\bshared\b/.test(line)).length;
}

describe('VMSnapshot on a real XFS with reflink and a real ext4 mount', { skip }, () => {
  let rig: Rig | undefined;
  before(async () => {
    rig = await setUp();
  });
  after(() => tearDown(rig));

  const deps = (r: Rig, reports: TaskStatusReport[], extra: HostDepsOverrides = {}): SnapshotTaskDeps => hostDeps(r.root, { report: async (report) => void reports.push(report), ...extra });

  it('freezes the ext4 mount on the disk, clones the disk image with shared extents, thaws, and records FileSystemConsistent', async () => {
    const r = rig as Rig;
    const reports: TaskStatusReport[] = [];
    const logs: string[] = [];
    const final = await runSnapshotTask(taskFor(r, 'task-fs'), deps(r, reports, { log: (line) => logs.push(line) }));
    assert.equal(final.status, 'transitioning', 'no uploader: the task stops at the transfer');
    assert.equal(final.phase, 'transfer');
    assert.equal(final.result?.consistency, 'FileSystemConsistent', final.result?.consistencyReason);
    const snapshot = final.result?.snapshots?.[0]?.path ?? '';
    assert.equal(snapshot, join(r.xfs, 'disks', '.arca-restore-points', 'AzureBackupRG_vm1_1', 'task-fs', 'osdisk.img'));
    assert.ok((await sharedExtents(snapshot)) > 0, 'the snapshot shares its extents with the disk: a reflink clone, not a copy');
    assert.match(logs.join('\n'), /1 mounts frozen for \d+ ms/);
    await writeFile(join(r.mount, 'after.txt'), 'written after the thaw\n');
    assert.deepEqual(reports.map((x) => `${x.phase}:${x.progress}`), ['snapshot:0', 'snapshot:10', 'transfer:0']);
  });

  it('runs the whole task through the extension host and the real extension process, into a repository', async () => {
    const r = rig as Rig;
    const repoDir = join(r.root, 'repository');
    await Repository.init(new LocalFsBlobStore(repoDir), { passphrase: TEST_PASSPHRASE, clock: systemClock, scrypt: TEST_SCRYPT });
    const scripts = join(r.root, 'scripts');
    await mkdir(scripts, { mode: 0o700 });
    for (const stage of ['pre', 'post']) await writeFile(join(scripts, `${stage}.sh`), `#!/bin/sh\necho ${stage} >> ${join(scripts, 'ran')}\n`, { mode: 0o700 });
    const configPath = join(r.root, 'vmsnapshot.json');
    await writeFile(configPath, JSON.stringify({ preScript: join(scripts, 'pre.sh'), postScript: join(scripts, 'post.sh'), minFreePercent: 10 }));
    const host = new ProcessExtensionHost({
      libDir: join(r.root, 'lib'),
      packages: shippedPackages([vmSnapshotManifest({ configPath })]),
      clock: systemClock,
      machine: { id: 'machine-1', name: 'vm1' },
      protectedSettings: () => ({ localRepository: { path: repoDir, passphrase: TEST_PASSPHRASE } }),
      statusPollMs: 50,
    });
    const statuses = await host.reconcile([{ name: SNAPSHOT_EXTENSION, version: '1.0.0', state: 'enabled', settings: { tasks: [] } }]);
    assert.deepEqual(statuses.map((s) => [s.handlerState, s.status?.status]), [['Enabled', 'success']]);
    const reports: TaskStatusReport[] = [];
    const final = await host.runTask(taskFor(r, 'task-app'), (report) => void reports.push(report));
    assert.equal(final.status, 'success', JSON.stringify(final.error));
    assert.equal(final.result?.consistency, 'ApplicationConsistent');
    assert.equal(await readFile(join(scripts, 'ran'), 'utf8'), 'pre\npost\n');
    assert.ok(reports.some((x) => x.phase === 'transfer' && x.status === 'transitioning'), 'the snapshot was reported before the transfer');
    const repo = await Repository.open(new LocalFsBlobStore(repoDir), { passphrase: TEST_PASSPHRASE, clock: systemClock });
    const point = await loadPoint(repo, final.result?.manifestId ?? '');
    assert.equal(point.metadata?.['arcaTaskId'], 'task-app');

    const again = await host.runTask(taskFor(r, 'task-app'), () => undefined);
    assert.deepEqual(again, final, 'a task already done reports its stored result again');
  });

  it('refuses a group-writable pre-script with its code and freezes nothing', async () => {
    const r = rig as Rig;
    const script = join(r.root, 'scripts', 'loose.sh');
    await writeFile(script, '#!/bin/sh\nexit 0\n');
    await chmod(script, 0o770);
    const final = await runSnapshotTask(taskFor(r, 'task-loose'), deps(r, [], { config: { preScript: { path: script, timeoutSeconds: 5, retries: 0, continueOnFailure: true } } }));
    assert.equal(final.status, 'error');
    assert.equal(final.error?.code, 'UserErrorPrePostScriptNotSecure');
    await writeFile(join(r.mount, 'still-writable.txt'), 'yes\n');
  });

  it('thaws through the watchdog when the process holding the freeze is killed with SIGKILL', async () => {
    const r = rig as Rig;
    const freezer = new URL('./freezer.ts', import.meta.url).href;
    const code = `import { FsFreezeFreezer } from '${freezer}';
      await new FsFreezeFreezer().freeze([{ id: 0, device: '', mountPoint: ${JSON.stringify(r.mount)}, fsType: 'ext4', source: '', readOnly: false }], { timeoutMs: 120000, vmName: 'vm1' });
      console.log('frozen'); setInterval(() => {}, 1000);`;
    const holder = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const lines = createInterface({ input: holder.stdout });
      await new Promise<void>((resolve, reject) => {
        lines.on('line', (line) => line === 'frozen' && resolve());
        holder.once('exit', (c) => reject(new Error(`the freezing process exited (${c})`)));
      });
      await assert.rejects(run('fsfreeze', ['-f', r.mount]), /Device or resource busy/, 'the mount is frozen');
      holder.kill('SIGKILL');
      // Blocks until thawed; the watchdog's own timeout is two minutes, far beyond this test.
      await run('sh', ['-c', `echo after-kill > '${join(r.mount, 'after-kill.txt')}' && sync -f '${join(r.mount, 'after-kill.txt')}'`], { timeout: 20_000 });
      assert.equal(await readFile(join(r.mount, 'after-kill.txt'), 'utf8'), 'after-kill\n');
    } finally {
      holder.kill('SIGKILL');
      await run('fsfreeze', ['-u', r.mount]).catch(() => undefined);
    }
  });

  it('reads a disk live and records CrashConsistent with the reason where no clone is possible', async () => {
    const r = rig as Rig;
    const plain = join(r.mount, 'plain-disk.img'); // on ext4: no reflink
    await run('truncate', ['-s', '8M', plain]);
    const final = await runSnapshotTask({ ...taskFor(r, 'task-crash'), disks: [{ name: 'plain', path: plain }] }, deps(r, []));
    assert.equal(final.result?.consistency, 'CrashConsistent');
    assert.match(final.result?.consistencyReason ?? '', /cannot clone files \(\w+\): no copy-on-write snapshot is possible/);
    assert.deepEqual(final.result?.snapshots, [{ disk: 'plain', path: plain }]);
  });
});
