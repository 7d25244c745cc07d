import { systemClock } from '../src/platform/system-clock.ts';
import { LocalFsBlobStore } from '../src/storage/blob/local-fs-blob-store.ts';
import { backupImages } from '../src/storage/backup/image-backup.ts';
import { Repository } from '../src/storage/repository/repository.ts';
import { ChunkWorkerPool } from '../src/storage/workers/worker-pool.ts';

/**
 * One Arca backup of one image as its own process, for bench/change-tracking.ts to time like the
 * other tools: `node bench/tracking-backup.ts REPO IMAGE [PREVIOUS_SNAPSHOT POINT_ID]`, passphrase in
 * ARCA_PASSPHRASE. With a previous snapshot, change tracking is asked for; without, the image is
 * read whole (even if a point already holds it unchanged). Prints the point as JSON.
 */
const [repoDir, image, previous, pointId] = process.argv.slice(2);
if (!repoDir || !image) throw new Error('usage: tracking-backup.ts REPO IMAGE [PREVIOUS_SNAPSHOT POINT_ID]');
const pool = new ChunkWorkerPool(undefined, 0);
try {
  const repo = await Repository.open(new LocalFsBlobStore(repoDir), { passphrase: process.env.ARCA_PASSPHRASE ?? '', clock: systemClock });
  pool.configure(repo.keys, repo.config.zstdLevel);
  const hint = previous && pointId ? { previous: { [image]: { snapshotPath: previous, pointId } } } : { skipUnchanged: false };
  const { manifest } = await backupImages(repo, { paths: [image], pool, ...hint });
  process.stdout.write(`${JSON.stringify({ id: manifest.id, stats: manifest.stats, reading: manifest.disks[0]?.reading })}\n`);
} finally {
  await pool.close();
}
