import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mutateImage, pseudoRandom, sha256File, writeImage } from '../src/storage/testing/fixtures.ts';
import { runArca } from './support/arca-process.ts';
import { assertRepositoryVerifies, runArcaKilledAfter } from './support/killed-run.ts';

/**
 * Kills a real `arca repo backup-image` with SIGKILL at random moments and checks, each time, that
 * the repository verifies clean, that the next backup succeeds and reuses what had landed, and that
 * its point restores byte for byte. ARCA_CRASH_ITERATIONS sets how many kills (npm run test:crash
 * runs many; npm test a few).
 */
const ITERATIONS = Number(process.env.ARCA_CRASH_ITERATIONS ?? 4);
const PASS = { ARCA_PASSPHRASE: 'crash test passphrase' };

async function files(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).length;
}

describe(`arca repo backup-image killed with SIGKILL (${ITERATIONS} times)`, () => {
  let dir: string;
  let repo: string;
  let image: string;
  let fullRunMs = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-crash-'));
    repo = join(dir, 'repo');
    image = join(dir, 'disk.img');
    await writeImage(image, { size: 24 * 1024 * 1024, seed: 101, zeroShare: 0.2 });
    assert.equal((await runArca(['repo', 'init', '--repo', repo, '--scrypt-cost', '14', '--chunk-size', '1', '--pack-size', '1'], PASS)).code, 0);
    const first = await runArca(['repo', 'backup-image', '--repo', repo, image, '-o', 'json'], PASS);
    assert.equal(first.code, 0, first.stderr);
    // The runs that get killed look like this one: the whole image read, most chunks known.
    await mutateImage(image, 499, 6, 256 * 1024);
    const started = performance.now();
    const reference = await runArca(['repo', 'backup-image', '--repo', repo, '--no-skip-unchanged', image], PASS);
    assert.equal(reference.code, 0, reference.stderr);
    fullRunMs = performance.now() - started;
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  let killedMidRun = 0;
  const schedule = pseudoRandom(4242, ITERATIONS * 4);
  for (let i = 0; i < ITERATIONS; i++) {
    it(`iteration ${i + 1}: a kill leaves the repository consistent and the next backup completes`, async () => {
      await mutateImage(image, 500 + i, 6, 256 * 1024);
      // A kill moment spread over the whole run, start-up included, drawn from a fixed seed.
      const fraction = new DataView(schedule.buffer).getUint32(i * 4, true) / 2 ** 32;
      if (await runArcaKilledAfter(['repo', 'backup-image', '--repo', repo, '--no-skip-unchanged', image], PASS, Math.floor(fraction * fullRunMs))) killedMidRun++;
      await assertRepositoryVerifies(repo, PASS, 'after the kill');

      const packsBefore = await files(join(repo, 'data'));
      const next = await runArca(['repo', 'backup-image', '--repo', repo, '--no-skip-unchanged', image, '-o', 'json'], PASS);
      assert.equal(next.code, 0, next.stderr);
      const point = JSON.parse(next.stdout) as { id: string; bytesNew: number; bytesRead: number };
      assert.ok(point.bytesNew < point.bytesRead, 'chunks already stored are reused');
      assert.ok((await files(join(repo, 'data'))) >= packsBefore);

      const target = join(dir, `restored-${i}.img`);
      const restore = await runArca(['repo', 'restore-image', '--repo', repo, '--point', point.id, '--to', target], PASS);
      assert.equal(restore.code, 0, restore.stderr);
      assert.equal(await sha256File(target), await sha256File(image));
      await rm(target);
    });
  }

  it('killed most runs before they finished (otherwise this test proves little)', () => {
    assert.ok(killedMidRun >= ITERATIONS / 2, `only ${killedMidRun} of ${ITERATIONS} runs were killed mid-run`);
  });

  it('ends with a clean full verify and a prune that keeps every point restorable', async () => {
    const prune = await runArca(['repo', 'prune', '--repo', repo, '--grace', '0', '-o', 'json'], PASS);
    assert.equal(prune.code, 0, prune.stderr);
    const verify = await runArca(['repo', 'verify', '--repo', repo, '-o', 'json'], PASS);
    assert.equal(verify.code, 0, verify.stderr);
    const report = JSON.parse(verify.stdout) as { problems: unknown[]; unindexedPacks: unknown[] };
    assert.deepEqual(report.problems, []);
    assert.deepEqual(report.unindexedPacks, [], 'prune removed packs left unindexed by the kills');
    assert.equal(await files(join(repo, '.tmp~')), 0, 'prune removed the temporary files of killed writes');
  });
});
