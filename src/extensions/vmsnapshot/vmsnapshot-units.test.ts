import assert from 'node:assert/strict';
import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '../../core/clock.ts';
import { parseConfig } from './config.ts';
import { memoryPercent, waitForLoad, type LoadSample } from './machine-checks.ts';
import { eligibleMounts, mountOf, parseMountinfo } from './mountinfo.ts';
import { pointFolder, removeDeletedPoints, snapshotPath } from './restore-points.ts';
import { runScript, scriptRefusal } from './script-runner.ts';

const MOUNTINFO = `22 27 0:21 / /proc rw,relatime shared:12 - proc proc rw
27 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
30 27 7:1 / /srv/vm\\040disks rw,noatime shared:5 - xfs /dev/loop1 rw,inode64
31 27 7:2 / /mnt/data rw,relatime shared:6 - ext4 /dev/loop2 rw
32 27 7:2 /sub /mnt/bind rw,relatime shared:6 - ext4 /dev/loop2 rw
33 27 0:50 / /mnt/nfs rw,relatime shared:7 - nfs4 server:/export rw,vers=4.2
34 27 7:3 / /mnt/ro ro,relatime shared:8 - ext4 /dev/loop3 ro
35 27 7:4 / /mnt/skip rw,relatime shared:9 - ext4 /dev/loop4 rw
36 27 0:60 / /run/user/0 rw,nosuid - tmpfs tmpfs rw
37 27 0:61 / /mnt/sshfs rw - fuse.sshfs me@host:/ rw
not a mountinfo line
`;

describe('mountinfo', () => {
  const mounts = parseMountinfo(MOUNTINFO);

  it('parses each line with its device, escaped mount point, type, source and read-only flag', () => {
    assert.equal(mounts.length, 10);
    assert.deepEqual(mounts[2], { id: 30, device: '7:1', mountPoint: '/srv/vm disks', fsType: 'xfs', source: '/dev/loop1', readOnly: false });
    assert.equal(mounts.find((m) => m.mountPoint === '/mnt/ro')?.readOnly, true);
  });

  it('freezes local writable file systems once each, and says why every other mount is skipped', () => {
    const { eligible, skipped } = eligibleMounts(mounts, ['/mnt/skip']);
    assert.deepEqual(eligible.map((m) => m.mountPoint), ['/', '/srv/vm disks', '/mnt/data']);
    const reasons = Object.fromEntries(skipped.map((s) => [s.mount.mountPoint, s.reason]));
    assert.deepEqual(reasons, {
      '/proc': 'pseudo or in-memory file system (proc)',
      '/mnt/bind': 'same file system as /mnt/data',
      '/mnt/nfs': 'network file system (nfs4)',
      '/mnt/ro': 'mounted read-only',
      '/mnt/skip': 'excluded by configuration (/mnt/skip)',
      '/run/user/0': 'pseudo or in-memory file system (tmpfs)',
      '/mnt/sshfs': 'network file system (fuse.sshfs)',
    });
  });

  it('finds the mount holding a path, the deepest first, not a sibling with the same prefix', () => {
    assert.equal(mountOf(mounts, '/srv/vm disks/os.img')?.mountPoint, '/srv/vm disks');
    assert.equal(mountOf(mounts, '/mnt/database/x')?.mountPoint, '/');
  });
});

describe('pre-script and post-script permissions', () => {
  let dir = '';
  const script = (name: string) => join(dir, name);
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-scripts-'));
    await writeFile(script('ok.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o700 });
    await writeFile(script('group.sh'), '#!/bin/sh\nexit 0\n');
    await chmod(script('group.sh'), 0o770);
    await writeFile(script('world.sh'), '#!/bin/sh\nexit 0\n');
    await chmod(script('world.sh'), 0o757);
    await writeFile(script('fails.sh'), '#!/bin/sh\necho attempt >> "$(dirname "$0")/attempts"\nexit 4\n', { mode: 0o700 });
    await mkdir(join(dir, 'open'), { mode: 0o777 });
    await chmod(join(dir, 'open'), 0o777);
    await writeFile(join(dir, 'open', 'inside.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o700 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('allows a root-owned script writable by root only, in root-owned folders (/tmp\'s sticky bit included)', { skip: process.getuid?.() !== 0 && 'needs root: scripts must be owned by root' }, async () => {
    assert.equal(await scriptRefusal(script('ok.sh')), undefined);
  });

  const cases: [string, string, RegExp][] = [
    ['a group-writable script', 'group.sh', /its group may write to it/],
    ['a world-writable script', 'world.sh', /anyone may write to it/],
    ['a script in a folder anyone may change', join('open', 'inside.sh'), /folder .*open may be changed/],
    ['a missing script', 'absent.sh', /cannot be read \(ENOENT\)/],
  ];
  for (const [what, name, reason] of cases) {
    it(`refuses ${what} with UserErrorPrePostScriptNotSecure`, { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
      await assert.rejects(runScript('pre', { path: script(name), timeoutSeconds: 5, retries: 0, continueOnFailure: true }, { vmName: 'vm1', logDir: dir }), (e: Error & { code?: string; params?: Record<string, unknown> }) => {
        assert.equal(e.code, 'UserErrorPrePostScriptNotSecure');
        assert.match(String(e.params?.['reason']), reason);
        return true;
      });
    });
  }

  it('refuses a script owned by another user', { skip: process.getuid?.() !== 0 && 'needs root to give a file away' }, async () => {
    await writeFile(script('nobody.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o700 });
    await chown(script('nobody.sh'), 65534, 65534);
    assert.match(String(await scriptRefusal(script('nobody.sh'))), /owned by user 65534, not by root/);
  });

  it('retries a failing script, then fails with its code unless told to go on', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
    const config = { path: script('fails.sh'), timeoutSeconds: 5, retries: 2, continueOnFailure: false };
    await assert.rejects(runScript('post', config, { vmName: 'vm1', logDir: dir }), { code: 'UserErrorPrePostScriptFailed' });
    const goOn = await runScript('post', { ...config, retries: 0, continueOnFailure: true }, { vmName: 'vm1', logDir: dir });
    assert.deepEqual(goOn, { ok: false, attempts: 1, reason: 'it exited with code 4' });
    const { readFile } = await import('node:fs/promises');
    assert.equal((await readFile(join(dir, 'attempts'), 'utf8')).trim().split('\n').length, 4, '3 attempts, then 1');
  });
});

describe('restore point folders', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-points-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('keeps a point beside the disks, named by the collection\'s last id segment', () => {
    const collection = '/subscriptions/s/resourceGroups/AzureBackupRG_westeurope_1/providers/Microsoft.Compute/restorePointCollections/AzureBackupRG_vm1_1';
    assert.equal(pointFolder('/srv/disks/os.img', collection, 'p-1'), '/srv/disks/.arca-restore-points/AzureBackupRG_vm1_1/p-1');
    assert.equal(snapshotPath('/srv/disks/os.img', collection, '../../etc', 'os disk'), '/srv/disks/.arca-restore-points/AzureBackupRG_vm1_1/etc/os_disk.img');
  });

  it('removes the snapshot files of a deleted point and refuses any other file the goal state names', async () => {
    const disk = join(dir, 'os.img');
    const kept = snapshotPath(disk, 'coll', 'p1', 'os');
    await mkdir(join(kept, '..'), { recursive: true });
    await writeFile(kept, 'snapshot');
    await writeFile(disk, 'live disk');
    await symlink(join(dir), join(dir, '.arca-restore-points', 'coll', 'p2'));
    const result = await removeDeletedPoints([
      { collectionId: 'coll', pointName: 'p1', snapshots: [{ disk: 'os', path: kept }, { disk: 'data', path: disk }] },
      { collectionId: 'coll', pointName: 'p2', snapshots: [{ disk: 'os', path: join(dir, '.arca-restore-points', 'coll', 'p2', 'os.img') }] },
    ]);
    assert.deepEqual(result.removed, [kept]);
    // p2's folder is a link to the disks' folder: its "os.img" is the live disk, and is refused.
    assert.deepEqual(result.refused, [disk, join(dir, '.arca-restore-points', 'coll', 'p2', 'os.img')]);
    const { readFile } = await import('node:fs/promises');
    assert.equal(await readFile(disk, 'utf8'), 'live disk');
  });
});

describe('configuration and load', () => {
  it('reads the machine\'s configuration with defaults, and refuses a relative script path', () => {
    const config = parseConfig({ preScript: '/opt/pre.sh', postScript: '/opt/post.sh', scriptRetries: 2, minFreePercent: 20 });
    assert.deepEqual(config.preScript, { path: '/opt/pre.sh', timeoutSeconds: 60, retries: 2, continueOnFailure: false });
    assert.equal(config.freezeTimeoutSeconds, 30);
    assert.equal(config.minFreePercent, 20);
    assert.throws(() => parseConfig({ preScript: 'pre.sh' }), { code: 'UserErrorInvalidArgument' });
  });

  it('computes memory in use from MemAvailable', () => {
    assert.equal(memoryPercent('MemTotal:       1000 kB\nMemFree:  10 kB\nMemAvailable:    250 kB\n'), 75);
  });

  it('delays the snapshot while load is above 90 % and fails with its code past the timeout', async () => {
    const clock = fixedClock(new Date('2026-11-25T10:00:00Z'));
    const busy = { sample: async (): Promise<LoadSample> => (clock.advance(20_000), { cpuPercent: 97.5, memoryPercent: 40 }) };
    const delays: LoadSample[] = [];
    await assert.rejects(waitForLoad(busy, { vmName: 'vm1', timeoutMs: 60_000, clock, onDelayed: (s) => delays.push(s) }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'UserErrorSnapshotDelayedByLoad');
      assert.match(e.message, /97\.5 % CPU and 40 % memory/);
      return true;
    });
    assert.equal(delays.length, 3);
    let calls = 0;
    const calming = { sample: async (): Promise<LoadSample> => ({ cpuPercent: calls++ < 2 ? 95 : 90, memoryPercent: 90 }) };
    assert.deepEqual(await waitForLoad(calming, { vmName: 'vm1', timeoutMs: 60_000, clock }), { cpuPercent: 90, memoryPercent: 90 });
  });
});
