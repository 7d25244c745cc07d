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
    if (disks.length === 0) return warn({ en: 'no disks configured (Disks=) or found in /sys/class/block', es: 'ningún disco configurado (Disks=) ni encontrado en /sys/class/block' });
    const over = diskLimitFindings({ name: context.vmName, disks });
    const findings: Finding[] = over.map((f) => {
      const [name, size, limit] = [f.params.diskName, f.params.size, f.params.limit].map((v) => String(v ?? ''));
      return fail({ en: `disk ${name} is ${size}, over ${limit}`, es: `el disco ${name} mide ${size}, más de ${limit}` }, f.code, f.params);
    });
    for (const disk of disks.filter((d) => !over.some((f) => f.params.diskName === d.name))) {
      const seen = `${disk.name} ${disk.path}: ${formatBytes(disk.sizeBytes)}`;
      if (!disk.encrypted) findings.push(pass(seen));
      else
        findings.push(
          pass({
            en: `${seen}; LUKS header: the backup holds ciphertext, so keep the volume key where a restore can reach it`,
            es: `${seen}; cabecera LUKS: la copia guarda datos cifrados, así que conserve la clave del volumen donde una restauración pueda usarla`,
          }),
        );
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
    if (mounts.length === 0) return pass({ en: 'no mounted file system holds a configured disk', es: 'ningún sistema de archivos montado contiene un disco configurado' });
    const params = (m: MountEntry) => ({ vmName: context.vmName, mountPoint: m.mountPoint });
    return Promise.all(
      mounts.map(async (mount): Promise<Finding> => {
        const label = { en: `${mount.mountPoint} (${mount.fsType} on ${mount.source})`, es: `${mount.mountPoint} (${mount.fsType} en ${mount.source})` };
        if (mount.readOnly) return warn({ en: `${label.en} is mounted read-only`, es: `${label.es} está montado de solo lectura` }, 'MountReadOnly', params(mount));
        if (mount.fsType.startsWith('ext') && mount.source.startsWith('/dev/')) {
          const out = await context.exec('tune2fs', ['-l', mount.source], signal);
          const state = /^Filesystem state:\s*(.+)$/m.exec(out.stdout)?.[1]?.trim();
          if (state !== undefined && state !== 'clean') return fail({ en: `${label.en}: tune2fs says "${state}"`, es: `${label.es}: tune2fs indica "${state}"` }, 'UserErrorFsFreezeFailed', params(mount));
          const said = out.stderr.trim().split('\n')[0] ?? '';
          if (state === undefined) return warn({ en: `${label.en}: tune2fs -l gave no state (${said})`, es: `${label.es}: tune2fs -l no dio ningún estado (${said})` });
        }
        if (!FREEZABLE.has(mount.fsType)) {
          return pass({ en: `${label.en}: not frozen (${mount.fsType} has no freeze); its disks are read as they are`, es: `${label.es}: no se inmoviliza (${mount.fsType} no admite congelación); sus discos se leen tal como están` });
        }
        return pass({ en: `${label.en}: clean and freezable`, es: `${label.es}: limpio e inmovilizable` });
      }),
    );
  },
};
