import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isValidKey } from './blob-store.ts';
import { errnoOf, MISSING } from './fs-error.ts';

/**
 * Keys of the regular files under `root` that start with `prefix`. The prefix may end mid-name
 * (`data/3`): the walk opens the deepest folder the prefix names in full (`data`) and keeps the
 * entries that start with the rest (`3`). Names outside the key alphabet (the temporary folder,
 * files put there by hand) are never keys, so they are skipped; so are symbolic links.
 */
export async function* walkKeys(root: string, prefix: string, signal?: AbortSignal): AsyncGenerator<string> {
  const cut = prefix.lastIndexOf('/');
  const folder = cut < 0 ? '' : prefix.slice(0, cut);
  const start = prefix.slice(cut + 1);
  yield* walk(root, folder, start, signal);
}

async function* walk(root: string, folder: string, start: string, signal?: AbortSignal): AsyncGenerator<string> {
  signal?.throwIfAborted();
  let entries;
  try {
    entries = await readdir(join(root, ...segments(folder)), { withFileTypes: true });
  } catch (error) {
    // A folder that is missing (or removed while we walk) simply holds no keys.
    if (MISSING.has(errnoOf(error) ?? '')) return;
    throw error;
  }
  for (const entry of entries) {
    if (!entry.name.startsWith(start) || !isValidKey(entry.name)) continue;
    const key = folder === '' ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory()) yield* walk(root, key, '', signal);
    else if (entry.isFile()) yield key;
  }
}

function segments(folder: string): string[] {
  return folder === '' ? [] : folder.split('/');
}
