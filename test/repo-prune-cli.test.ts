import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mutateImage, sha256File, writeImage } from '../src/storage/testing/fixtures.ts';
import { runArca } from './support/arca-process.ts';

const PASS = { ARCA_PASSPHRASE: 'prune cli test passphrase' };

describe('arca repo prune repacks (the real binary)', () => {
  let dir: string;
  let repo: string;
  let image: string;
  let kept: string;

  const backup = async (): Promise<string> => {
    const run = await runArca(['repo', 'backup-image', '--repo', repo, '--no-skip-unchanged', image, '-o', 'json'], PASS);
    assert.equal(run.code, 0, run.stderr);
    return (JSON.parse(run.stdout) as { id: string }).id;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-prune-cli-'));
    repo = join(dir, 'repo');
    image = join(dir, 'disk.img');
    await writeImage(image, { size: 8 * 1024 * 1024, seed: 303, zeroShare: 0, textShare: 0 });
    assert.equal((await runArca(['repo', 'init', '--repo', repo, '--scrypt-cost', '14', '--chunk-size', '1', '--pack-size', '4'], PASS)).code, 0);
    const old = await backup();
    await mutateImage(image, 304, 2, 256 * 1024);
    kept = await backup();
    await copyFile(image, join(dir, 'kept.img'));
    assert.equal((await runArca(['repo', 'forget', '--repo', repo, old], PASS)).code, 0);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('refuses a repack threshold that is not a percentage, with its code', async () => {
    const run = await runArca(['repo', 'prune', '--repo', repo, '--repack-unused', '150'], PASS);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /UserErrorInvalidArgument/);
    assert.match(run.stderr, /--repack-unused/);
  });

  it('says in a dry run what it would repack', async () => {
    const run = await runArca(['repo', 'prune', '--repo', repo, '--grace', '0', '--dry-run'], PASS);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Would repack \d+ packs/);
  });

  it('repacks, reports it in JSON, and the kept point restores byte for byte', async () => {
    const run = await runArca(['repo', 'prune', '--repo', repo, '--grace', '0', '--repack-unused', '5%', '-o', 'json'], PASS);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    for (const key of ['packsMarked', 'packsRepacked', 'packsWritten', 'bytesWritten', 'packsDeleted', 'bytesFreed', 'partlyUsedPacks', 'damagedPacks', 'waiting']) assert.ok(key in report, key);
    assert.ok((report.packsRepacked as number) > 0);
    assert.ok((report.bytesFreed as number) > (report.bytesWritten as number), 'more is freed than copied');
    const target = join(dir, 'restored.img');
    const restore = await runArca(['repo', 'restore-image', '--repo', repo, '--point', kept, '--to', target], PASS);
    assert.equal(restore.code, 0, restore.stderr);
    assert.equal(await sha256File(target), await sha256File(join(dir, 'kept.img')));
  });
});
