import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { versionsDir } from './update-state.ts';

/** Where the updater unpacks a download before renaming it into place (ADR 7). */
export const STAGING_PREFIX = '.incoming-';

/**
 * Removes from Lib.Dir/versions every entry but the versions in `keep` (ADR 7): older downloads,
 * versions set aside (their entry in update-state.json stays, so they are not fetched again),
 * folders left incomplete, and staging folders a crash left behind. Only the supervisor calls it,
 * and only while no child runs, so no download can be under way. Links are removed, never
 * followed (a version folder's node_modules is a link to the installation's). Returns the names
 * removed.
 */
export async function pruneVersions(libDir: string, keep: readonly string[]): Promise<string[]> {
  const dir = versionsDir(libDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names.toSorted()) {
    if (keep.includes(name)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
