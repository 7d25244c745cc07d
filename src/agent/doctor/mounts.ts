import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One line of mountinfo, as the doctor needs it. */
export interface MountEntry {
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
  readonly options: readonly string[];
  readonly readOnly: boolean;
}

const unescape = (field: string) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));

/** proc(5) mountinfo: per-mount options before ` - `, then type, source and super options. */
export function parseMountinfo(text: string): MountEntry[] {
  const mounts: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6 || fields.length < dash + 3) continue;
    const options = [...(fields[5] ?? '').split(','), ...(fields[dash + 3] ?? '').split(',')];
    mounts.push({ mountPoint: unescape(fields[4] as string), fsType: fields[dash + 1] as string, source: unescape(fields[dash + 2] as string), options, readOnly: options.includes('ro') });
  }
  return mounts;
}

export async function readMounts(procDir: string): Promise<MountEntry[]> {
  return parseMountinfo(await readFile(join(procDir, 'self', 'mountinfo'), 'utf8'));
}

/** The mount holding `path`: the longest mount point that is a prefix of it (the last such, as mounts stack). */
export function mountOf(mounts: readonly MountEntry[], path: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const mount of mounts) {
    const root = mount.mountPoint.endsWith('/') ? mount.mountPoint : `${mount.mountPoint}/`;
    if ((path === mount.mountPoint || path.startsWith(root) || mount.mountPoint === '/') && (best === undefined || mount.mountPoint.length >= best.mountPoint.length)) best = mount;
  }
  return best;
}
