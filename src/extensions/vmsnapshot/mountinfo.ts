/** One line of /proc/self/mountinfo, the fields the freezer needs. */
export interface Mount {
  readonly id: number;
  /** `major:minor` of the device holding the file system. */
  readonly device: string;
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
  readonly readOnly: boolean;
}

export interface SkippedMount {
  readonly mount: Mount;
  readonly reason: string;
}

/** mountinfo escapes space, tab, newline and backslash as octal (`\040`). */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** Parses mountinfo (proc(5)); lines that do not have its shape are left out. */
export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6 || fields.length < dash + 3) continue;
    const [id, , device, , mountPoint, options] = fields;
    const fsType = fields[dash + 1] as string;
    const source = fields[dash + 2] as string;
    const superOptions = fields[dash + 3] ?? '';
    const readOnly = (options ?? '').split(',').includes('ro') || superOptions.split(',').includes('ro');
    mounts.push({ id: Number(id), device: device as string, mountPoint: unescape(mountPoint as string), fsType, source: unescape(source), readOnly });
  }
  return mounts;
}

const NETWORK = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'ceph', 'glusterfs', '9p', 'afs', 'lustre', 'davfs', 'ncpfs', 'fuse.sshfs', 'fuse.glusterfs', 'fuse.ceph']);
const PSEUDO = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'tmpfs', 'ramfs', 'cgroup', 'cgroup2', 'securityfs', 'debugfs', 'tracefs', 'pstore', 'bpf', 'mqueue',
  'hugetlbfs', 'configfs', 'fusectl', 'autofs', 'binfmt_misc', 'efivarfs', 'rpc_pipefs', 'nsfs', 'selinuxfs', 'overlay', 'squashfs', 'iso9660',
]);

function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/** Why a mount is not frozen, or undefined when it is eligible. */
export function skipReason(mount: Mount, excluded: readonly string[]): string | undefined {
  if (NETWORK.has(mount.fsType)) return `network file system (${mount.fsType})`;
  if (PSEUDO.has(mount.fsType)) return `pseudo or in-memory file system (${mount.fsType})`;
  if (mount.fsType.startsWith('fuse')) return `FUSE file system (${mount.fsType}) cannot be frozen`;
  if (mount.readOnly) return 'mounted read-only';
  const rule = excluded.find((root) => isUnder(mount.mountPoint, root));
  if (rule !== undefined) return `excluded by configuration (${rule})`;
  return undefined;
}

/**
 * Splits mounts into those the freezer may freeze and those it skips, each with its reason. A
 * device mounted twice (bind mounts) is frozen once, through its first mount.
 */
export function eligibleMounts(mounts: readonly Mount[], excluded: readonly string[] = []): { eligible: Mount[]; skipped: SkippedMount[] } {
  const eligible: Mount[] = [];
  const skipped: SkippedMount[] = [];
  const seen = new Map<string, Mount>();
  for (const mount of mounts) {
    const reason = skipReason(mount, excluded) ?? (seen.has(mount.device) ? `same file system as ${seen.get(mount.device)?.mountPoint}` : undefined);
    if (reason !== undefined) {
      skipped.push({ mount, reason });
      continue;
    }
    seen.set(mount.device, mount);
    eligible.push(mount);
  }
  return { eligible, skipped };
}

/** The mount holding `path` (the longest mount point above it), as for `df`. */
export function mountOf(mounts: readonly Mount[], path: string): Mount | undefined {
  return mounts.filter((mount) => isUnder(path, mount.mountPoint)).toSorted((a, b) => b.mountPoint.length - a.mountPoint.length)[0];
}
