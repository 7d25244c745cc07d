import { discoverDisks } from '../machine/disks.ts';
import type { Language } from '../../core/errors/index.ts';
import { detailIn, fail, pass, warn, type Check, type Finding, type Localized } from './check.ts';
import { heldFileSystems, type HeldFileSystem } from './held-file-systems.ts';
import type { CommandResult, MachineContext } from './machine-context.ts';
import { readMounts } from './mounts.ts';
import { MACHINE_TITLES } from './titles.ts';

/** Each fsck may take this long; the check as a whole a little more, so that it reports which one hung. */
export const FSCK_TIMEOUT_MS = 4500;

interface Checker {
  readonly argv: (fs: HeldFileSystem) => string[];
  /** The verdict from the exit code: errors found (FAIL), could not run (WARN), or clean. */
  readonly verdict: (code: number) => 'errors' | 'not-run' | 'clean';
}

/** Read-only on both: e2fsck -n opens the file system read-only and answers no to every repair. */
const CHECKERS: Record<HeldFileSystem['kind'], Checker> = {
  // -f: a file system marked clean is checked too, else corruption under a clean flag goes unseen.
  // Exit codes are a bit mask: 4 errors left uncorrected, 8 operational error.
  ext: { argv: (fs) => ['e2fsck', '-n', '-f', fs.path], verdict: (code) => ((code & 4) !== 0 ? 'errors' : code >= 8 ? 'not-run' : 'clean') },
  // 1: corruption found; 2: a dirty log, so the file system was not unmounted cleanly.
  xfs: { argv: (fs) => ['xfs_repair', '-n', ...(fs.isFile ? ['-f'] : []), fs.path], verdict: (code) => (code === 1 || code === 2 ? 'errors' : code === 0 ? 'clean' : 'not-run') },
};

/** The lines of fsck's answer that say what is wrong (not its pass banners and summary). */
function problems(out: CommandResult): string {
  const lines = `${out.stdout}\n${out.stderr}`.split('\n').map((l) => l.trim());
  const told = lines.filter((l) => l !== '' && !/^(Pass \d|Phase \d|e2fsck \d|No modify flag set|\*{3,}|- )/.test(l) && !/: \d+\/\d+ files/.test(l));
  return told.slice(0, 3).join('; ') || `exit ${String(out.code)}`;
}

async function ext4State(context: MachineContext, fs: HeldFileSystem, signal: AbortSignal): Promise<string | undefined> {
  if (fs.kind !== 'ext') return undefined;
  const out = await context.exec('tune2fs', ['-l', fs.path], signal);
  return /^Filesystem state:\s*(.+)$/m.exec(out.stdout)?.[1]?.trim();
}

async function checkOne(context: MachineContext, fs: HeldFileSystem, signal: AbortSignal): Promise<Finding> {
  const where = fs.mounts[0]?.mountPoint ?? fs.path;
  const kind = fs.kind === 'ext' ? 'ext2/3/4' : 'xfs';
  const label = {
    en: `${fs.path} (${kind}${fs.mounts.length > 0 ? `, read-only on ${where}` : ', not mounted'})`,
    es: `${fs.path} (${kind}${fs.mounts.length > 0 ? `, de solo lectura en ${where}` : ', sin montar'})`,
  };
  const writable = fs.mounts.find((m) => !m.readOnly);
  if (writable) {
    return pass({
      en: `${fs.path}: mounted read-write on ${writable.mountPoint}, so not checked (fsck is safe only unmounted or read-only; its state is read by disks.mounts)`,
      es: `${fs.path}: montado en lectura y escritura en ${writable.mountPoint}, así que no se revisa (fsck solo es seguro sin montar o de solo lectura; su estado lo lee disks.mounts)`,
    });
  }
  if (fs.holders.length > 0) {
    const holders = (language: Language) => fs.holders.map((h) => detailIn(h, language)).join(', ');
    return pass({ en: `${fs.path}: in use by ${holders('en')}, so not checked`, es: `${fs.path}: en uso por ${holders('es')}, así que no se revisa` });
  }
  const checker = CHECKERS[fs.kind];
  const [command, ...args] = checker.argv(fs) as [string, ...string[]];
  const commandLine = [command, ...args].join(' ');
  const timeout = AbortSignal.timeout(FSCK_TIMEOUT_MS);
  const both = AbortSignal.any([signal, timeout]);
  const [out, state] = await Promise.all([context.exec(command, args, both), ext4State(context, fs, both)]);
  // The catalog message takes the reason as it always has (in English); the detail says it in each language.
  const notRun = (reason: string | Localized) => {
    const said = typeof reason === 'string' ? { en: reason, es: reason } : reason;
    return warn({ en: `${label.en}: ${commandLine}: ${said.en}`, es: `${label.es}: ${commandLine}: ${said.es}` }, 'FileSystemCheckNotRun', { vmName: context.vmName, device: fs.path, command: commandLine, reason: said.en });
  };
  if (out.code === null) {
    const seconds = FSCK_TIMEOUT_MS / 1000;
    if (timeout.aborted) return notRun({ en: `it did not finish within ${seconds} s`, es: `no terminó en ${seconds} s` });
    if (/ENOENT/.test(out.stderr)) return notRun({ en: `${command} is not installed`, es: `${command} no está instalado` });
    const firstLine = out.stderr.trim().split('\n')[0];
    return notRun(firstLine || { en: 'it did not run', es: 'no se ejecutó' });
  }
  const params = { vmName: context.vmName, mountPoint: where };
  const verdict = checker.verdict(out.code);
  if (verdict === 'errors') return fail({ en: `${label.en}: ${commandLine} found errors: ${problems(out)}`, es: `${label.es}: ${commandLine} encontró errores: ${problems(out)}` }, 'UserErrorFsFreezeFailed', params);
  if (verdict === 'not-run') return notRun(problems(out));
  if (state !== undefined && state !== 'clean') {
    return fail({ en: `${label.en}: ${commandLine} found no error but tune2fs says "${state}"`, es: `${label.es}: ${commandLine} no encontró ningún error, pero tune2fs indica "${state}"` }, 'UserErrorFsFreezeFailed', params);
  }
  return pass({ en: `${label.en}: ${commandLine} found no error`, es: `${label.es}: ${commandLine} no encontró ningún error` });
}

/**
 * The seed's `fsck` step, where it cannot harm: every ext or XFS file system the disks hold that no
 * one writes to (not mounted, or mounted read-only) gets a read-only check; one mounted read-write
 * is never touched.
 */
export const fsckCheck: Check<MachineContext> = {
  id: 'disks.fsck',
  title: MACHINE_TITLES['disks.fsck'],
  timeoutMs: FSCK_TIMEOUT_MS + 1500,
  async run(context, signal) {
    const disks = context.loaded.config.disks ?? (await discoverDisks(context.paths.blockDir));
    const held = await heldFileSystems(disks, await readMounts(context.paths.procDir), context.paths.blockDir);
    if (held.length === 0) {
      return pass({ en: 'no ext or XFS file system found on the disks (partitions of disk images are not read)', es: 'no se encontró ningún sistema de archivos ext ni XFS en los discos (no se leen las particiones de las imágenes de disco)' });
    }
    return Promise.all(held.map((fs) => checkOne(context, fs, signal)));
  },
};
