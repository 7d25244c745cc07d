import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareAgentVersions, isAgentVersion } from '../../core/versions/agent-version.ts';
import { writeFileAtomic } from '../../platform/files.ts';

/**
 * Where updates live in Lib.Dir (ADR 7): each downloaded agent unpacked in `versions/<version>/`
 * (renamed into place only when complete), and `update-state.json` naming the versions set aside
 * after failed starts. Both the supervisor and the running agent read them; only the supervisor
 * sets a version aside, only the agent adds a version folder.
 */
export const VERSIONS_DIR = 'versions';
export const UPDATE_STATE_FILE = 'update-state.json';

export interface SetAsideVersion {
  readonly at: string;
  readonly failures: number;
  readonly reason: string;
}

export interface UpdateState {
  readonly setAside: Readonly<Record<string, SetAsideVersion>>;
  /** The versions that last reported to the vault under the supervisor, most recent first (at most two). */
  readonly good: readonly string[];
}

export const versionsDir = (libDir: string): string => join(libDir, VERSIONS_DIR);
export const versionDir = (libDir: string, version: string): string => join(libDir, VERSIONS_DIR, version);
export const binOf = (installation: string): string => join(installation, 'bin', 'arca.js');

export async function readUpdateState(libDir: string): Promise<UpdateState> {
  try {
    const parsed = JSON.parse(await readFile(join(libDir, UPDATE_STATE_FILE), 'utf8')) as { setAside?: unknown; good?: unknown };
    return {
      setAside: typeof parsed.setAside === 'object' && parsed.setAside !== null ? (parsed.setAside as Record<string, SetAsideVersion>) : {},
      good: Array.isArray(parsed.good) ? parsed.good.filter((v): v is string => typeof v === 'string' && isAgentVersion(v)).slice(0, 2) : [],
    };
  } catch (error) {
    // Absent, or damaged by hand: nothing is set aside (a bad version is found bad again by the supervisor).
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return { setAside: {}, good: [] };
    throw error;
  }
}

const writeUpdateState = (libDir: string, state: UpdateState): Promise<void> =>
  writeFileAtomic(join(libDir, UPDATE_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`, 0o600);

export async function setVersionAside(libDir: string, version: string, entry: SetAsideVersion): Promise<void> {
  const state = await readUpdateState(libDir);
  await writeUpdateState(libDir, { ...state, setAside: { ...state.setAside, [version]: entry } });
}

/** Records that `version` reported to the vault: it becomes the good one, and the one before it the previous good one. */
export async function recordGoodVersion(libDir: string, version: string): Promise<void> {
  const state = await readUpdateState(libDir);
  if (state.good[0] === version) return;
  await writeUpdateState(libDir, { ...state, good: [version, ...state.good.filter((v) => v !== version)].slice(0, 2) });
}

/** A version folder is complete when its package.json names its version and bin/arca.js is there. */
async function complete(libDir: string, version: string): Promise<boolean> {
  try {
    const manifest = JSON.parse(await readFile(join(versionDir(libDir, version), 'package.json'), 'utf8')) as { version?: unknown };
    await readFile(binOf(versionDir(libDir, version)));
    return manifest.version === version;
  } catch {
    return false;
  }
}

/** The complete version folders in Lib.Dir that are not set aside, newest first. */
export async function installedVersions(libDir: string): Promise<string[]> {
  const names = await readdir(versionsDir(libDir)).catch(() => [] as string[]);
  const { setAside } = await readUpdateState(libDir);
  const found: string[] = [];
  for (const name of names) if (isAgentVersion(name) && setAside[name] === undefined && (await complete(libDir, name))) found.push(name);
  return found.toSorted((a, b) => compareAgentVersions(b, a));
}
