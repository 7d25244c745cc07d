import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { backupImages } from '../backup/image-backup.ts';
import { LocalFsBlobStore } from '../blob/local-fs-blob-store.ts';
import type { Repository } from '../repository/repository.ts';
import { pseudoRandom, testRepository, writeImage } from '../testing/fixtures.ts';
import type { ChunkWorkerPool } from '../workers/worker-pool.ts';
import { ImageTarget } from './image-target.ts';
import { restoreImage } from './image-restore.ts';
import { restoreRun } from './chunk-runs.ts';

describe('restore failures', () => {
  let dir: string;
  let repo: Repository;
  let pool: ChunkWorkerPool;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-restore-fail-'));
    ({ repo, pool } = await testRepository(new LocalFsBlobStore(join(dir, 'repo'))));
  });
  after(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A run of one chunk as restoreRun takes it, served by a store that returns the sealed bytes. */
  async function oneChunkRun(data: Uint8Array) {
    const { id } = await pool.hash(data.slice());
    const { sealed, flags, rawLength } = await pool.seal(id, data.slice());
    const store = { get: async () => sealed.slice() };
    const location = { packId: 'ab'.repeat(32), offset: 0, length: sealed.length, rawLength, flags };
    return { repo: { store } as unknown as Repository, run: { packId: location.packId, offset: 0, length: sealed.length, members: [{ id, at: 0, location }] } };
  }

  it('has the workers write a chunk at its place, and names a target they cannot write with RestoreTargetUnwritable', async () => {
    const data = pseudoRandom(7, 256 * 1024);
    const { repo: served, run } = await oneChunkRun(data);
    const target = await ImageTarget.create(join(dir, 'one.img'), data.length, false);
    assert.equal(await restoreRun(served, pool, run, target.path), data.length);
    await pool.release(target.path);
    await target.close(true);
    assert.ok(Buffer.from(await readFile(join(dir, 'one.img'))).equals(Buffer.from(data)));

    const missing = join(dir, 'no-such-folder', 'one.img');
    await assert.rejects(restoreRun(served, pool, run, missing), (e: unknown) => isArcaError(e) && e.code === 'RestoreTargetUnwritable' && String(e.params['path']) === missing);
    await pool.release(missing);
  });

  it('names the damaged pack, and removes the partial image, when a chunk does not open', async () => {
    const image = join(dir, 'source.img');
    await writeImage(image, { size: 1024 * 1024, seed: 11, zeroShare: 0, textShare: 0 });
    const { manifest } = await backupImages(repo, { paths: [image], pool });
    const packs = join(dir, 'repo', 'data');
    for (const folder of await readdir(packs)) {
      for (const name of await readdir(join(packs, folder))) {
        const path = join(packs, folder, name);
        const bytes = await readFile(path);
        bytes[100] = (bytes[100] as number) ^ 1;
        await writeFile(path, bytes);
      }
    }
    const target = join(dir, 'restored.img');
    await assert.rejects(restoreImage(repo, { pointId: manifest.id, disk: 0, to: target, pool }), (e: unknown) => isArcaError(e) && e.code === 'RepositoryDataCorrupt');
    assert.equal(existsSync(target), false, 'a partial restore is not left behind');
  });
});
