import { lstat, mkdir, realpath, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DeletedInstantPoint } from '../../protocol/index.ts';

/** The folder beside a VM's disks that holds its restore point collections (the instant tier). */
export const RESTORE_POINTS_DIR = '.arca-restore-points';

/** A safety point's folder name begins with this, then the restore task's id (restore-task.ts). */
export const SAFETY_POINT_PREFIX = 'before-restore-';

/** A collection or point name made safe as one path segment (the collection id's last segment). */
export function segment(name: string): string {
  const last = name.split('/').filter(Boolean).at(-1) ?? name;
  const safe = last.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '.' || safe === '..' || safe === '' ? '_' : safe;
}

/** `<disk dir>/.arca-restore-points/<collection>/<point>/` for a disk image file. */
export function pointFolder(diskPath: string, collectionId: string, pointName: string): string {
  return join(dirname(diskPath), RESTORE_POINTS_DIR, segment(collectionId), segment(pointName));
}

export function snapshotPath(diskPath: string, collectionId: string, pointName: string, diskName: string): string {
  return join(pointFolder(diskPath, collectionId, pointName), `${segment(diskName)}.img`);
}

/**
 * True when `path` is a snapshot file of exactly this point: `<dir>/.arca-restore-points/<collection>/<point>/<file>`
 * with no symbolic link on the way. Anything else a goal state names is refused, so a vault (or
 * anyone who forged a goal state) cannot make the agent delete other files.
 */
async function isSnapshotOfPoint(path: string, point: DeletedInstantPoint): Promise<boolean> {
  const folder = dirname(path);
  if (basename(folder) !== segment(point.pointName)) return false;
  if (basename(dirname(folder)) !== segment(point.collectionId)) return false;
  if (basename(dirname(dirname(folder))) !== RESTORE_POINTS_DIR) return false;
  try {
    if ((await realpath(folder)) !== folder) return false;
    return (await lstat(path)).isFile();
  } catch {
    return false;
  }
}

/** Removes the snapshot files of points that left their collections; returns what was removed and what was refused. */
export async function removeDeletedPoints(points: readonly DeletedInstantPoint[]): Promise<{ removed: string[]; refused: string[] }> {
  const removed: string[] = [];
  const refused: string[] = [];
  for (const point of points) {
    for (const snapshot of point.snapshots) {
      if (!(await isSnapshotOfPoint(snapshot.path, point))) {
        // Already gone counts as removed; anything outside a point folder is refused.
        const gone = await lstat(snapshot.path).then(() => false, () => true);
        (gone ? removed : refused).push(snapshot.path);
        continue;
      }
      await rm(snapshot.path, { force: true });
      removed.push(snapshot.path);
      await rmdir(dirname(snapshot.path)).catch(() => undefined); // only once the folder is empty
    }
  }
  return { removed, refused };
}

export async function ensurePointFolder(diskPath: string, collectionId: string, pointName: string): Promise<string> {
  const folder = pointFolder(diskPath, collectionId, pointName);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  return folder;
}
