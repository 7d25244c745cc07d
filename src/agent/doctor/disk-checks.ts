import { diskLimitFindings, formatBytes } from '../../core/limits.ts';
import { isArcaError } from '../../core/errors/index.ts';
import { machineDisks, type MachineDisk } from '../machine/disks.ts';
import { fail, pass, warn, type Check, type Finding } from './check.ts';
import { MACHINE_TITLES } from './titles.ts';
import type { MachineContext } from './machine-context.ts';
import { mountOf, readMounts, type MountEntry } from './mounts.ts';

const FREEZABLE = new Set(['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'f2fs', 'jfs', 'reiserfs', 'nilfs2', 'gfs2']);

export const diskSizeCheck: Check<MachineContext> = {
  id: 'disks.size',
  title: MACHINE_TITLES['disks.size'],
  async run(context) {
    let disks: MachineDisk[];
    try {
      disks = await machineDisks(context.loaded.config.disks);
    } catch (error) {
      const reason = isArcaError(error) ? error.message : (error as Error).message;
      return fail(reason, 'UserErrorUnableToOpenMount', { vmName: context.vmName, mountPoint: isArcaError(error) ? String(error.params.path ?? '?') : '?' });
    }
    if (disks.length === 0) return warn('no disks configured (Disks=) or found in /sys/class/block');
    const over = diskLimitFindings({ name: context.vmName, disks });
    const findings: Finding[] = over.map((f) => fail(`disk ${String(f.params.diskName ?? '')} is ${String(f.params.size ?? '')}, over ${String(f.params.limit ?? '')}`, f.code, f.params));
    for (const disk of disks.filter((d) => !over.some((f) => f.params.diskName === d.name))) {
      const note = disk.encrypted ? '; LUKS header: the backup holds ciphertext, so keep the volume key where a restore can reach it' : '';
      findings.push(pass(`${disk.name} ${disk.path}: ${formatBytes(disk.sizeBytes)}${note}`));
    }
    return findings;
  },
};

/** The mounts a backup touches: those holding image disks and those of block disks (or every device mount when Disks is unset). */
function mountsOfDisks(mounts: readonly MountEntry[], context: MachineContext): MountEntry[] {
  const disks = context.loaded.config.disks;
  const chosen = new Set<MountEntry>();
  if (disks === undefined) for (const m of mounts) if (m.source.startsWith('/dev/')) chosen.add(m);
  for (const disk of disks ?? []) {
    if (disk.path.startsWith('/dev/')) for (const m of mounts) if (m.source.startsWith(disk.path)) chosen.add(m);
    const holder = mountOf(mounts, disk.path);
    if (holder && !disk.path.startsWith('/dev/')) chosen.add(holder);
  }
  return [...chosen];
}

export const mountsCheck: Check<MachineContext> = {
  id: 'disks.mounts',
  title: MACHINE_TITLES['disks.mounts'],
  timeoutMs: 4000,
  async run(context, signal) {
    const mounts = mountsOfDisks(await readMounts(context.paths.procDir), context);
    if (mounts.length === 0) return pass('no mounted file system holds a configured disk');
    const params = (m: MountEntry) => ({ vmName: context.vmName, mountPoint: m.mountPoint });
    return Promise.all(
      mounts.map(async (mount): Promise<Finding> => {
        const label = `${mount.mountPoint} (${mount.fsType} on ${mount.source})`;
        if (mount.readOnly) return warn(`${label} is mounted read-only`, 'MountReadOnly', params(mount));
        if (mount.fsType.startsWith('ext') && mount.source.startsWith('/dev/')) {
          const out = await context.exec('tune2fs', ['-l', mount.source], signal);
          const state = /^Filesystem state:\s*(.+)$/m.exec(out.stdout)?.[1]?.trim();
          if (state !== undefined && state !== 'clean') return fail(`${label}: tune2fs says "${state}"`, 'UserErrorFsFreezeFailed', params(mount));
          if (state === undefined) return warn(`${label}: tune2fs -l gave no state (${out.stderr.trim().split('\n')[0] ?? ''})`);
        }
        if (!FREEZABLE.has(mount.fsType)) return pass(`${label}: not frozen (${mount.fsType} has no freeze); its disks are read as they are`);
        return pass(`${label}: clean and freezable`);
      }),
    );
  },
};
