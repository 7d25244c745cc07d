import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sha256File, writeImage } from '../src/storage/testing/fixtures.ts';
import { runArca } from './support/arca-process.ts';

const PASS = { ARCA_PASSPHRASE: 'cli test passphrase' };

describe('arca repo (the real binary, real files)', () => {
  let dir: string;
  let repo: string;
  let image: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-repo-cli-'));
    repo = join(dir, 'repo');
    image = join(dir, 'disk.img');
    await writeImage(image, { size: 6 * 1024 * 1024 + 4096, seed: 91, zeroShare: 0.3 });
    const init = await runArca(['repo', 'init', '--repo', repo, '--scrypt-cost', '14', '--chunk-size', '1', '--pack-size', '1', '-o', 'json'], PASS);
    assert.equal(init.code, 0, init.stderr);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('backs up an image and prints the promised JSON fields', async () => {
    const result = await runArca(['repo', 'backup-image', '--repo', repo, image, '-o', 'json'], PASS);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as Record<string, number | string>;
    for (const key of ['id', 'bytesRead', 'bytesNew', 'bytesStored', 'seconds']) assert.ok(key in out, key);
    assert.equal(out.bytesRead, 6 * 1024 * 1024 + 4096);
    assert.ok((out.bytesStored as number) > 0);
  });

  it('restores disk 0 of the newest point byte for byte, and verify passes', async () => {
    const stats = JSON.parse((await runArca(['repo', 'stats', '--repo', repo, '-o', 'json'], PASS)).stdout) as { points: { id: string; disks: { size: number }[] }[] };
    const point = stats.points.at(-1);
    assert.ok(point);
    assert.equal(point.disks[0]?.size, 6 * 1024 * 1024 + 4096);
    const target = join(dir, 'restored.img');
    const restore = await runArca(['repo', 'restore-image', '--repo', repo, '--point', point.id, '--disk', '0', '--to', target], PASS);
    assert.equal(restore.code, 0, restore.stderr);
    assert.equal(await sha256File(target), await sha256File(image));
    assert.ok((await stat(target)).blocks * 512 < 6 * 1024 * 1024, 'holes stay holes');
    const verify = await runArca(['repo', 'verify', '--repo', repo, '-o', 'json'], PASS);
    assert.equal(verify.code, 0, verify.stderr);
    assert.deepEqual((JSON.parse(verify.stdout) as { problems: unknown[] }).problems, []);
  });

  it('refuses a wrong passphrase with its code and exit code 5', async () => {
    const result = await runArca(['repo', 'stats', '--repo', repo], { ARCA_PASSPHRASE: 'wrong' });
    assert.equal(result.code, 5);
    assert.match(result.stderr, /RepositoryWrongPassphrase/);
  });

  it('asks for the passphrase through ARCA_PASSPHRASE when there is no terminal', async () => {
    const result = await runArca(['repo', 'stats', '--repo', repo], { ARCA_PASSPHRASE: '' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /RepositoryPassphraseMissing/);
    assert.match(result.stderr, /ARCA_PASSPHRASE/);
  });

  it('names a folder that is not a repository', async () => {
    const result = await runArca(['repo', 'stats', '--repo', join(dir, 'nothing-here')], PASS);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /RepositoryNotFound/);
  });

  it('changes the passphrase without rewriting data: the old one stops working, the new one restores', async () => {
    const statsBefore = await runArca(['repo', 'stats', '--repo', repo, '-o', 'json'], PASS);
    const changed = await runArca(['repo', 'key', 'passwd', '--repo', repo, '-o', 'json'], { ...PASS, ARCA_NEW_PASSPHRASE: 'the new one' });
    assert.equal(changed.code, 0, changed.stderr);
    assert.equal((await runArca(['repo', 'stats', '--repo', repo], PASS)).code, 5);
    const statsAfter = await runArca(['repo', 'stats', '--repo', repo, '-o', 'json'], { ARCA_PASSPHRASE: 'the new one' });
    assert.equal(statsAfter.code, 0, statsAfter.stderr);
    const [b, a] = [JSON.parse(statsBefore.stdout), JSON.parse(statsAfter.stdout)] as { storedBytes: number; packs: number }[];
    assert.equal(a?.storedBytes, b?.storedBytes);
    assert.equal(a?.packs, b?.packs);
    const back = await runArca(['repo', 'key', 'passwd', '--repo', repo], { ARCA_PASSPHRASE: 'the new one', ARCA_NEW_PASSPHRASE: PASS.ARCA_PASSPHRASE });
    assert.equal(back.code, 0, back.stderr);
  });

  it('fails verify with a non-zero exit when a pack is damaged', async () => {
    const copy = join(dir, 'damaged');
    await runArca(['repo', 'init', '--repo', copy, '--scrypt-cost', '14'], PASS);
    const small = join(dir, 'small.img');
    await writeImage(small, { size: 512 * 1024, seed: 92, zeroShare: 0 });
    assert.equal((await runArca(['repo', 'backup-image', '--repo', copy, small], PASS)).code, 0);
    const { readdir, open } = await import('node:fs/promises');
    const [sub] = await readdir(join(copy, 'data'));
    const [pack] = await readdir(join(copy, 'data', sub as string));
    const file = await open(join(copy, 'data', sub as string, pack as string), 'r+');
    const byte = new Uint8Array(1);
    await file.read(byte, 0, 1, 200);
    byte[0] = (byte[0] as number) ^ 0x40;
    await file.write(byte, 0, 1, 200);
    await file.close();
    const verify = await runArca(['repo', 'verify', '--repo', copy], PASS);
    assert.equal(verify.code, 1);
    assert.match(verify.stderr, /RepositoryDataCorrupt/);
    assert.match(verify.stderr, new RegExp(pack as string));
    assert.match(verify.stderr, /RepositoryVerifyFailed/);
  });
});
