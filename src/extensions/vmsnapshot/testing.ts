import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock } from '../../platform/system-clock.ts';
import type { TaskStatusReport } from '../../protocol/index.ts';
import { loadPoint } from '../../storage/points/point-store.ts';
import type { RecoveryPointManifest } from '../../storage/points/manifest.ts';
import type { Repository } from '../../storage/repository/repository.ts';
import { restoreImage } from '../../storage/restore/image-restore.ts';
import { sha256File } from '../../storage/testing/fixtures.ts';
import type { ChunkWorkerPool } from '../../storage/workers/worker-pool.ts';
import { DEFAULT_CONFIG, type VmSnapshotConfig } from './config.ts';
import { FsFreezeFreezer } from './freezer.ts';
import { parseMountinfo } from './mountinfo.ts';
import { ReflinkSnapshotProvider } from './snapshot-provider.ts';
import type { SnapshotTaskDeps } from './snapshot-task.ts';

/** For tests: what a snapshot task meets on this host, with `extra` replacing any of it and merging into the config. */
export type HostDepsOverrides = Omit<Partial<SnapshotTaskDeps>, 'config'> & { config?: Partial<VmSnapshotConfig> };

/**
 * For tests: a snapshot task's dependencies on the real host (real fsfreeze, reflink clones, the
 * kernel's mount table) as machine vm1, with a quiet load, logs and state under `root`, reports
 * dropped, and the free-space threshold at 10 % (test file systems are small).
 */
export function hostDeps(root: string, extra: HostDepsOverrides = {}): SnapshotTaskDeps {
  const { config, ...rest } = extra;
  return {
    clock: systemClock,
    config: { ...DEFAULT_CONFIG, minFreePercent: 10, ...config },
    freezer: new FsFreezeFreezer(),
    providers: [new ReflinkSnapshotProvider()],
    loadProbe: { sample: async () => ({ cpuPercent: 5, memoryPercent: 5 }) },
    readMounts: async () => parseMountinfo(await readFile('/proc/self/mountinfo', 'utf8')),
    machine: { id: 'machine-1', name: 'vm1' },
    logDir: join(root, 'logs'),
    stateDir: join(root, 'state'),
    report: async () => undefined,
    ...rest,
  };
}

/**
 * For tests: asserts a snapshot task succeeded and that its point (disk 0) restores byte for byte
 * to the snapshot it was read from; gives the point's manifest.
 */
export async function assertPointMatchesSnapshot(repo: Repository, pool: ChunkWorkerPool, final: TaskStatusReport, scratch: string): Promise<RecoveryPointManifest> {
  assert.equal(final.status, 'success', JSON.stringify(final.error));
  const manifest = await loadPoint(repo, final.result?.manifestId ?? '');
  const target = join(scratch, `restored-${manifest.id}.img`);
  await restoreImage(repo, { pointId: manifest.id, disk: 0, to: target, pool });
  assert.equal(await sha256File(target), await sha256File(final.result?.snapshots?.[0]?.path ?? ''));
  await rm(target);
  return manifest;
}
