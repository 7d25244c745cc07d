import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mutateImage, pseudoRandom, sha256File, writeImage } from '../src/storage/testing/fixtures.ts';
import { runArca } from './support/arca-process.ts';
import { assertRepositoryVerifies, runArcaKilledAfter } from './support/killed-run.ts';

/**
 * Kills a real `arca repo prune` with SIGKILL at random moments while it repacks partly used packs
 * and deletes old ones, and checks each time that the repository verifies clean, that every point
 * left restores byte for byte, and that the next prune finishes the work. ARCA_CRASH_ITERATIONS
 * sets how many kills (npm run test:crash runs many; npm test a few).
 */
const ITERATIONS = Number(process.env.ARCA_CRASH_ITERATIONS ?? 3);
const PASS = { ARCA_PASSPHRASE: 'prune crash test passphrase' };

interface PruneJson {
  packsMarked: number;
  packsRepacked: number;
  packsWritten: number;
  bytesWritten: number;
  packsDeleted: number;
  bytesFreed: number;
  partlyUsedPacks: number;
}

describe(`arca repo prune killed with SIGKILL while repacking (${ITERATIONS} times)`, () => {
  let dir: string;
  let repo: string;
  let image: string;
  /** The points kept, oldest first, each with a copy of the image it holds. */
  const points: { id: string; copy: string }[] = [];
  let fullRunMs = 0;

  const backup = async () => {
    const run = await runArca(['repo', 'backup-image', '--repo', repo, '--no-skip-unchanged', image, '-o', 'json'], PASS);
    assert.equal(run.code, 0, run.stderr);
    const id = (JSON.parse(run.stdout) as { id: string }).id;
    const copy = join(dir, `${id}.img`);
    await copyFile(image, copy);
    points.push({ id, copy });
  };
  /** A new point of a partly rewritten image; the oldest point goes, leaving packs partly used. */
  const makeGarbage = async (seed: number) => {
    await mutateImage(image, seed, 5, 256 * 1024);
    await backup();
    const oldest = points.shift();
    assert.ok(oldest);
    const forget = await runArca(['repo', 'forget', '--repo', repo, oldest.id], PASS);
    assert.equal(forget.code, 0, forget.stderr);
    await rm(oldest.copy);
  };
  const prune = async (): Promise<PruneJson> => {
    const run = await runArca(['repo', 'prune', '--repo', repo, '--grace', '0', '-o', 'json'], PASS);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as PruneJson;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-prune-crash-'));
    repo = join(dir, 'repo');
    image = join(dir, 'disk.img');
    await writeImage(image, { size: 12 * 1024 * 1024, seed: 202, zeroShare: 0.1, textShare: 0.2 });
    // 1 MiB chunks in 4 MiB packs: several chunks per pack, so rewritten chunks leave packs partly used.
    assert.equal((await runArca(['repo', 'init', '--repo', repo, '--scrypt-cost', '14', '--chunk-size', '1', '--pack-size', '4'], PASS)).code, 0);
    await backup();
    await mutateImage(image, 599, 5, 256 * 1024);
    await backup();
    await makeGarbage(600);
    const started = performance.now();
    const reference = await prune();
    fullRunMs = performance.now() - started;
    assert.ok(reference.packsRepacked > 0, 'the runs that get killed repack packs');
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  let killedMidRun = 0;
  const schedule = pseudoRandom(5151, ITERATIONS * 4);
  for (let i = 0; i < ITERATIONS; i++) {
    it(`iteration ${i + 1}: a killed prune leaves every point restorable and the next prune finishes`, async () => {
      await makeGarbage(700 + i);
      const fraction = new DataView(schedule.buffer).getUint32(i * 4, true) / 2 ** 32;
      // The first third of a run is start-up and reading the repository: most kills land in the repack and the sweep.
      if (await runArcaKilledAfter(['repo', 'prune', '--repo', repo, '--grace', '0'], PASS, Math.floor((0.3 + 0.7 * fraction) * fullRunMs))) killedMidRun++;
      await assertRepositoryVerifies(repo, PASS, 'after the kill');
      for (const [n, point] of points.entries()) {
        const target = join(dir, `restored-${i}-${n}.img`);
        const restore = await runArca(['repo', 'restore-image', '--repo', repo, '--point', point.id, '--to', target], PASS);
        assert.equal(restore.code, 0, restore.stderr);
        assert.equal(await sha256File(target), await sha256File(point.copy), `point ${point.id} restores byte for byte`);
        await rm(target);
      }

      await prune();
      const clean = await runArca(['repo', 'verify', '--repo', repo, '-o', 'json'], PASS);
      assert.equal(clean.code, 0, clean.stderr);
      const report = JSON.parse(clean.stdout) as { problems: unknown[]; unindexedPacks: unknown[] };
      assert.deepEqual(report.problems, []);
      assert.deepEqual(report.unindexedPacks, [], 'packs a killed repack left unindexed are gone');
      const left = await runArca(['repo', 'prune', '--repo', repo, '--grace', '0', '--dry-run', '-o', 'json'], PASS);
      assert.equal(left.code, 0, left.stderr);
      const dry = JSON.parse(left.stdout) as PruneJson;
      assert.deepEqual({ marked: dry.packsMarked, repacked: dry.packsRepacked }, { marked: 0, repacked: 0 }, 'the prune after the kill finished the work');
    });
  }

  it('killed most prunes before they finished (otherwise this test proves little)', () => {
    assert.ok(killedMidRun >= ITERATIONS / 2, `only ${killedMidRun} of ${ITERATIONS} runs were killed mid-run`);
  });
});
