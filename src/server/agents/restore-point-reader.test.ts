import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalFsBlobStore } from '../../storage/blob/local-fs-blob-store.ts';
import { backupImages } from '../../storage/backup/image-backup.ts';
import { pruneRepository } from '../../storage/maintenance/prune.ts';
import { forgetPoint } from '../../storage/points/forget.ts';
import { loadPoint } from '../../storage/points/point-store.ts';
import { unhex } from '../../storage/repository/layout.ts';
import { mutateImage, testRepository, writeImage } from '../../storage/testing/fixtures.ts';
import { openChunk } from '../../storage/workers/chunk-work.ts';
import { RestorePointReader } from './restore-point-reader.ts';

describe('restore point reader', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-point-reader-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('reads a point again after a prune repacked its packs, loading the index once for concurrent reads', async () => {
    const { repo, pool } = await testRepository(new LocalFsBlobStore(join(dir, 'repo')));
    try {
      // Two points of one image, the first forgotten: its packs are mostly unused, so prune repacks them.
      const image = join(dir, 'disk.img');
      await writeImage(image, { size: 2 * 1024 * 1024, seed: 21, zeroShare: 0, textShare: 0 });
      const first = await backupImages(repo, { paths: [image], pool });
      await mutateImage(image, 22, 4, 64 * 1024);
      const second = await backupImages(repo, { paths: [image], pool, skipUnchanged: false });
      await forgetPoint(repo, first.manifest.id);
      const expected = await readFile(image);

      const reader = new RestorePointReader(async () => repo);
      const manifest = await loadPoint(repo, second.manifest.id);
      const disk = manifest.disks[0];
      assert.ok(disk);
      const readAll = async (): Promise<Buffer> => {
        const chunks = await Promise.all(
          Array.from({ length: disk.chunkCount }, async (_, i) => {
            const chunk = await reader.chunk(manifest, 0, i);
            return openChunk(repo.keys, unhex(chunk.id), chunk.sealed, chunk.flags, chunk.rawLength, true);
          }),
        );
        return Buffer.concat(chunks);
      };
      assert.ok((await readAll()).equals(expected), 'the point reads back before the prune');
      assert.equal(reader.indexLoads, 0);

      const report = await pruneRepository(repo, pool, { graceMs: 0 });
      assert.ok(report.packsRepacked > 0 && report.packsDeleted > 0, 'the prune moved chunks out of deleted packs');

      assert.ok((await readAll()).equals(expected), 'the point reads back after the prune, from the new packs');
      assert.equal(reader.indexLoads, 1, 'the concurrent reads that met deleted packs shared one reload of the index');
      assert.ok((await readAll()).equals(expected));
      assert.equal(reader.indexLoads, 1, 'the fresh index is kept');
    } finally {
      await pool.close();
    }
  });
});
