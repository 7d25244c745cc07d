import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { findingsOf, MachineFixture } from './machine-fixture.ts';

const run = promisify(execFile);

/** A fresh 8 MiB ext4 image, made by the real mkfs.ext4. */
async function ext4Image(path: string): Promise<string> {
  await writeFile(path, Buffer.alloc(0));
  await run('truncate', ['-s', '8M', path]);
  await run('mkfs.ext4', ['-q', '-F', path]);
  return path;
}

const debugfs = (image: string, request: string) => run('debugfs', ['-w', '-R', request, image]);

/** Root may loop-mount; elsewhere these cases skip. */
async function canLoopMount(dir: string): Promise<boolean> {
  const probe = await ext4Image(join(dir, 'probe.img'));
  await mkdir(join(dir, 'probe'));
  const mounted = await run('mount', ['-o', 'loop', probe, join(dir, 'probe')]).then(() => true, () => false);
  if (mounted) await run('umount', [join(dir, 'probe')]);
  return mounted;
}

/**
 * File systems broken for real: ext4 images made by mkfs.ext4, their superblock state set and
 * their bitmaps corrupted by debugfs, loop-mounted read-write or read-only. The real `arca doctor`
 * reads the kernel's mount table (copied into its /proc) and runs the real tune2fs and e2fsck.
 */
describe('arca doctor on the machine: file-system state and read-only fsck', () => {
  let machine: MachineFixture;
  let images: string;
  let loops = false;
  const mounts: string[] = [];

  before(async () => {
    machine = await MachineFixture.create();
    images = await mkdtemp(join(tmpdir(), 'arca-doctor-fs-'));
    loops = await canLoopMount(images);
  });
  after(async () => {
    for (const dir of mounts.toReversed()) await run('umount', [dir]).catch(() => undefined);
    await machine?.remove();
    await rm(images, { recursive: true, force: true });
  });

  async function mount(image: string, name: string, options: string): Promise<string> {
    const dir = join(images, name);
    await mkdir(dir, { recursive: true });
    await run('mount', ['-o', `loop,${options}`, image, dir]);
    mounts.push(dir);
    await writeFile(join(machine.procDir, 'self', 'mountinfo'), await readFile('/proc/self/mountinfo', 'utf8'));
    return dir;
  }

  async function withDisks(disks: string): Promise<void> {
    machine.disks = disks;
    await machine.writeConfig();
  }

  it('a loop-mounted ext4 whose superblock says "not clean with errors" fails disks.mounts with UserErrorFsFreezeFailed', async (t) => {
    if (!loops) return t.skip('loop mounts need root');
    const image = await ext4Image(join(images, 'errors.img'));
    await debugfs(image, 'ssv state 2');
    const dir = await mount(image, 'errors', 'rw');
    await writeFile(join(dir, 'data.img'), Buffer.alloc(64 << 10));
    await withDisks(`data:${join(dir, 'data.img')}`);
    const { json } = await machine.doctor();
    const [finding] = findingsOf(json, 'disks.mounts');
    assert.equal(finding?.status, 'FAIL', JSON.stringify(findingsOf(json, 'disks.mounts')));
    assert.equal(finding?.code, 'UserErrorFsFreezeFailed');
    assert.match(finding?.detail ?? '', /tune2fs says "not clean with errors"/);
    assert.match(finding?.message ?? '', new RegExp(dir));
  });

  it('an ext4 disk mounted read-write is never given to fsck, even when it is corrupt', async (t) => {
    if (!loops) return t.skip('loop mounts need root');
    const image = await ext4Image(join(images, 'in-use.img'));
    await debugfs(image, 'freeb 1000 50');
    const dir = await mount(image, 'in-use', 'rw');
    await withDisks(`data:${image}`);
    const [finding, ...more] = findingsOf((await machine.doctor()).json, 'disks.fsck');
    assert.deepEqual(more, []);
    assert.equal(finding?.status, 'PASS');
    assert.match(finding?.detail ?? '', new RegExp(`mounted read-write on ${dir}, so not checked`));
  });

  it('an unmounted clean ext4 image passes e2fsck -n', async () => {
    const image = await ext4Image(join(images, 'clean.img'));
    await withDisks(`data:${image}`);
    const [finding] = findingsOf((await machine.doctor()).json, 'disks.fsck');
    assert.equal(finding?.status, 'PASS', finding?.detail);
    assert.match(finding?.detail ?? '', /not mounted\): e2fsck -n -f .*clean\.img found no error/);
  });

  it('an unmounted ext4 image with a corrupted block bitmap fails with UserErrorFsFreezeFailed, and the image is left as it was', async () => {
    const image = await ext4Image(join(images, 'corrupt.img'));
    await debugfs(image, 'freeb 1000 50');
    const untouched = await readFile(image);
    await withDisks(`os:${join(machine.root, 'os.img')},data:${image}`);
    const { json, code } = await machine.doctor();
    const [finding, ...more] = findingsOf(json, 'disks.fsck');
    assert.equal(finding?.status, 'FAIL');
    assert.equal(finding?.code, 'UserErrorFsFreezeFailed');
    assert.match(finding?.detail ?? '', /e2fsck -n -f .* found errors: .*[Bb]itmap differences/);
    assert.deepEqual(more, [], 'os.img holds no file system, so it gives no finding');
    assert.equal(code, 1);
    const [spanish] = findingsOf((await machine.doctor(['--lang', 'es'])).json, 'disks.fsck');
    assert.equal(spanish?.status, 'FAIL');
    assert.equal(spanish?.code, 'UserErrorFsFreezeFailed');
    assert.match(spanish?.detail ?? '', new RegExp(`^${image} \\(ext2/3/4, sin montar\\): e2fsck -n -f ${image} encontró errores: .*[Bb]itmap differences`));
    assert.ok((await readFile(image)).equals(untouched), 'fsck -n wrote nothing');
  });

  it('an unmounted ext4 image whose superblock says "not clean" fails even when e2fsck finds no error', async () => {
    const image = await ext4Image(join(images, 'unclean.img'));
    await debugfs(image, 'ssv state 0');
    await withDisks(`data:${image}`);
    const [finding] = findingsOf((await machine.doctor()).json, 'disks.fsck');
    assert.equal(finding?.code, 'UserErrorFsFreezeFailed');
    assert.match(finding?.detail ?? '', /found no error but tune2fs says "not clean"/);
  });

  it('a corrupt ext4 mounted read-only is checked, and fails', async (t) => {
    if (!loops) return t.skip('loop mounts need root');
    const image = await ext4Image(join(images, 'ro.img'));
    await debugfs(image, 'freeb 1000 50');
    const dir = await mount(image, 'ro', 'ro');
    await withDisks(`data:${image}`);
    const [finding] = findingsOf((await machine.doctor()).json, 'disks.fsck');
    assert.equal(finding?.status, 'FAIL', finding?.detail);
    assert.equal(finding?.code, 'UserErrorFsFreezeFailed');
    assert.match(finding?.detail ?? '', new RegExp(`read-only on ${dir}\\): e2fsck -n -f`));
    assert.match(finding?.message ?? '', new RegExp(dir));
  });

  it('without e2fsck on the PATH the check cannot run: WARN FileSystemCheckNotRun', async () => {
    const image = await ext4Image(join(images, 'no-tools.img'));
    await withDisks(`data:${image}`);
    const empty = await mkdtemp(join(tmpdir(), 'arca-empty-path-'));
    try {
      const { json } = await machine.doctor([], { PATH: empty });
      const [finding] = findingsOf(json, 'disks.fsck');
      assert.equal(finding?.status, 'WARN');
      assert.equal(finding?.code, 'FileSystemCheckNotRun');
      assert.match(finding?.detail ?? '', /e2fsck is not installed/);
      assert.match(finding?.steps?.join('\n') ?? '', /e2fsprogs/);
      const [spanish] = findingsOf((await machine.doctor(['--lang', 'es'], { PATH: empty })).json, 'disks.fsck');
      assert.equal(spanish?.code, 'FileSystemCheckNotRun');
      assert.match(spanish?.detail ?? '', /\(ext2\/3\/4, sin montar\): e2fsck -n -f \S+: e2fsck no está instalado$/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('a block device another process holds exclusively, with no mount this process sees, is not given to fsck (Spanish too)', async (t) => {
    if (!loops) return t.skip('loop devices need root');
    const image = await ext4Image(join(images, 'held.img'));
    const device = (await run('losetup', ['--find', '--show', image])).stdout.trim();
    const holder = spawn(process.execPath, ['-e', `require('node:fs').openSync(${JSON.stringify(device)}, require('node:fs').constants.O_RDONLY | require('node:fs').constants.O_EXCL); console.log('held'); setInterval(() => {}, 60_000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(holder, 'exit');
    try {
      const said = await Promise.race([once(holder.stdout, 'data').then(([chunk]) => String(chunk).trim()), exited.then(([code]) => `exited ${String(code)}`)]);
      assert.equal(said, 'held', 'the other process holds the device exclusively');
      await withDisks(`data:${device}`);
      const [finding, ...more] = findingsOf((await machine.doctor()).json, 'disks.fsck');
      assert.deepEqual(more, []);
      assert.equal(finding?.status, 'PASS', finding?.detail);
      assert.equal(finding?.detail, `${device}: in use by a mount or user this process cannot see (exclusive open refused), so not checked`);
      const [spanish] = findingsOf((await machine.doctor(['--lang', 'es'])).json, 'disks.fsck');
      assert.equal(spanish?.status, 'PASS');
      assert.equal(spanish?.detail, `${device}: en uso por un montaje o usuario que este proceso no puede ver (se rechazó la apertura exclusiva), así que no se revisa`);
    } finally {
      holder.kill();
      await exited;
      await run('losetup', ['-d', device]);
    }
  });
});
