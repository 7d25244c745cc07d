import { join, relative, resolve, sep } from 'node:path';
import { ArcaError } from '../../core/errors/index.ts';

/**
 * Where restored disks land: `<data-dir>/storage-accounts/<account>/<container>/<file>`, one
 * folder per storage account as Azure keeps one blob namespace per account, one container per
 * restore job (`arca-restore-<job>`, as Azure restores into a container of its own). Every segment
 * is checked against a strict pattern and the result must stay under the storage root, so no name,
 * however it got into a record, can point a write elsewhere.
 */
export const STORAGE_ACCOUNTS_FOLDER = 'storage-accounts';

const ACCOUNT = /^[a-z0-9]{3,24}$/;
const CONTAINER = /^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$/;
const FILE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$/;

function refuse(segment: string, what: string): never {
  throw new ArcaError('ArcaInternalError', { operation: 'choosing where to restore', reference: `${what} "${segment.slice(0, 80)}" cannot name a file` });
}

/** The container a restore job writes into. */
export function restoreContainerName(jobName: string): string {
  const name = `arca-restore-${jobName.toLowerCase()}`;
  if (!CONTAINER.test(name) || name.includes('--')) refuse(name, 'container');
  return name;
}

export function diskFileName(diskName: string): string {
  const name = `${diskName}.img`;
  if (!FILE.test(name)) refuse(name, 'disk file');
  return name;
}

export interface RestoreLocation {
  /** Absolute path on the vault host. */
  readonly path: string;
  /** The same, relative to the data directory, as jobs and records show it. */
  readonly shown: string;
}

/** A path inside a storage account's folder, checked segment by segment and as a whole. */
export function restoreLocation(dataDir: string, account: string, ...segments: readonly string[]): RestoreLocation {
  if (!ACCOUNT.test(account)) refuse(account, 'storage account');
  for (const segment of segments) if (!FILE.test(segment) || segment.includes('..')) refuse(segment, 'path segment');
  const root = resolve(dataDir, STORAGE_ACCOUNTS_FOLDER);
  const path = resolve(root, account, ...segments);
  if (!path.startsWith(root + sep)) refuse(path, 'path');
  return { path, shown: join(STORAGE_ACCOUNTS_FOLDER, relative(root, path)) };
}
