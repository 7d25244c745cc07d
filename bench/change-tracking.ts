import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify, parseArgs } from 'node:util';
import { mutateImage, sha256File, writeImage } from './image.ts';
import { dropCaches, run, runMeasured, syncAll, type ProcessResult } from './measure.ts';
import { parseSize } from './options.ts';

/**
 * `npm run -s bench:tracking -- [--size 2G] [--reflink-dir DIR] [--drop-caches] [--json]`
 *
 * Change tracking from reflink snapshots against a full read, beside restic, on the benchmark's
 * image: the live image is cloned as snapshot 1 and backed up in full; 3 % of it is rewritten and
 * it is cloned as snapshot 2; then snapshot 2 is backed up by Arca with change tracking (hint:
 * snapshot 1 and its point), by Arca reading it whole (into a twin of its repository made after
 * the initial backup, so both store the same new chunks), and by restic (which reads a changed file
 * whole). Arca's tracked point is restored and compared byte for byte with snapshot 2.
 * DIR must be on a file system that clones (XFS with reflink, btrfs); without it, as root, an XFS
 * is made on a loop-mounted sparse file in the temp folder.
 */

const exec = promisify(execFile);
const ARCA = resolve(import.meta.dirname, '..', 'bin', 'arca.js');
const BACKUP = resolve(import.meta.dirname, 'tracking-backup.ts');
const PASSPHRASE = 'arca-bench: not a secret';
const log = (line: string) => process.stderr.write(`bench:tracking: ${line}\n`);

interface Options {
  readonly sizeBytes: number;
  readonly seed: string;
  readonly reflinkDir: string | undefined;
  readonly dropCaches: boolean;
  readonly json: boolean;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { size: { type: 'string', default: '2G' }, seed: { type: 'string', default: '1' }, 'reflink-dir': { type: 'string' }, 'drop-caches': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  return { sizeBytes: parseSize(values.size), seed: values.seed, reflinkDir: values['reflink-dir'], dropCaches: values['drop-caches'], json: values.json };
}

/** A folder on a file system that clones: the one given, or an XFS made for the run (root). */
async function reflinkFolder(opts: Options): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  if (opts.reflinkDir) {
    const dir = await mkdtemp(join(opts.reflinkDir, 'arca-tracking-'));
    return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
  }
  if (process.getuid?.() !== 0) throw new Error('give --reflink-dir DIR on XFS with reflink or btrfs, or run as root to have an XFS made on a loop device');
  const root = await mkdtemp(join(tmpdir(), 'arca-tracking-xfs-'));
  const image = join(root, 'xfs.img');
  const dir = join(root, 'mnt');
  await mkdir(dir);
  await exec('truncate', ['-s', String(Math.max(8 * opts.sizeBytes, 2 ** 30)), image]);
  await exec('mkfs.xfs', ['-q', '-m', 'reflink=1', image]);
  await exec('mount', ['-o', 'loop', image, dir]);
  log(`made an XFS with reflink on a loop device at ${dir}`);
  return {
    dir,
    cleanup: async () => {
      await exec('umount', [dir]).catch((error: unknown) => log(`umount ${dir}: ${(error as Error).message}`));
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function clone(from: string, to: string): Promise<void> {
  await rm(to, { force: true });
  await mkdir(join(to, '..'), { recursive: true });
  await copyFile(from, to, constants.COPYFILE_FICLONE_FORCE);
}

interface Measured {
  readonly seconds: number;
  readonly peakRssMiB: number | null;
  readonly cpuSeconds: number | null;
  readonly bytesRead?: number;
  readonly bytesSkipped?: number;
}

const measured = (r: ProcessResult, reading?: { bytesRead: number; bytesSkipped: number }): Measured => ({ seconds: r.seconds, peakRssMiB: r.peakRssMiB, cpuSeconds: r.cpuSeconds, ...reading });

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const { dir, cleanup } = await reflinkFolder(opts);
  const settle = () => (opts.dropCaches ? dropCaches() : syncAll());
  try {
    const live = join(dir, 'live', 'disk.img');
    await mkdir(join(dir, 'live'));
    log(`generating a ${(opts.sizeBytes / 2 ** 20).toFixed(0)} MiB image (seed ${opts.seed})`);
    await writeImage(live, opts.sizeBytes, opts.seed);
    const arcaRepo = join(dir, 'arca-repo');
    const resticRepo = join(dir, 'restic-repo');
    const arcaEnv = { ARCA_PASSPHRASE: PASSPHRASE };
    const resticEnv = { RESTIC_PASSWORD: PASSPHRASE, RESTIC_CACHE_DIR: join(dir, 'restic-cache') };
    await run(process.execPath, [ARCA, 'repo', 'init', '--repo', arcaRepo], { env: arcaEnv });
    await run('restic', ['-r', resticRepo, 'init'], { env: resticEnv });
    // restic backs up one stable path (its view of the current snapshot), as it would on a real machine.
    const view = join(dir, 'restic-view', 'disk.img');

    const snap1 = join(dir, 'snapshots', '1', 'disk.img');
    await clone(live, snap1);
    await clone(snap1, view);
    await sha256File(snap1); // the first read of a new file costs more: give every tool the same start
    await settle();
    const arcaFull1 = await runMeasured(process.execPath, [BACKUP, arcaRepo, snap1], { env: arcaEnv });
    const point1 = JSON.parse(arcaFull1.stdout) as { id: string; reading: { bytesRead: number; bytesSkipped: number } };
    log(`initial, arca: ${arcaFull1.seconds.toFixed(2)} s`);
    await settle();
    const resticInitial = await runMeasured('restic', ['-r', resticRepo, 'backup', view], { env: resticEnv });
    log(`initial, restic: ${resticInitial.seconds.toFixed(2)} s`);

    // The full read of snapshot 2 goes into a twin of the repository, so that it stores the same new chunks.
    const twinRepo = join(dir, 'arca-repo-twin');
    await exec('cp', ['-a', '--reflink=auto', arcaRepo, twinRepo]);
    const { extents } = await mutateImage(live, opts.sizeBytes, opts.seed);
    const snap2 = join(dir, 'snapshots', '2', 'disk.img');
    await clone(live, snap2);
    await clone(snap2, view);
    log(`rewrote 3 % of the image in ${extents} extents and cloned it as snapshot 2`);

    await settle();
    const tracked = await runMeasured(process.execPath, [BACKUP, arcaRepo, snap2, snap1, point1.id], { env: arcaEnv });
    const trackedPoint = JSON.parse(tracked.stdout) as { id: string; reading: { bytesRead: number; bytesSkipped: number; fullReadReason?: string } };
    if (trackedPoint.reading.fullReadReason) throw new Error(`change tracking was not used: ${trackedPoint.reading.fullReadReason}`);
    log(`incremental, arca with change tracking: ${tracked.seconds.toFixed(2)} s, read ${(trackedPoint.reading.bytesRead / 2 ** 20).toFixed(0)} MiB`);
    await settle();
    const fullRead = await runMeasured(process.execPath, [BACKUP, twinRepo, snap2], { env: arcaEnv });
    const fullPoint = JSON.parse(fullRead.stdout) as { reading: { bytesRead: number; bytesSkipped: number } };
    log(`incremental, arca reading it whole (into a twin of the repository): ${fullRead.seconds.toFixed(2)} s`);
    await settle();
    const resticIncremental = await runMeasured('restic', ['-r', resticRepo, 'backup', view], { env: resticEnv });
    log(`incremental, restic: ${resticIncremental.seconds.toFixed(2)} s`);

    // The floor: a third snapshot with nothing rewritten (start-up, key stretching, extent maps, manifest).
    const snap3 = join(dir, 'snapshots', '3', 'disk.img');
    await clone(live, snap3);
    await settle();
    const floor = await runMeasured(process.execPath, [BACKUP, arcaRepo, snap3, snap2, trackedPoint.id], { env: arcaEnv });
    const floorPoint = JSON.parse(floor.stdout) as { reading: { bytesRead: number; bytesSkipped: number } };
    log(`nothing rewritten, arca with change tracking: ${floor.seconds.toFixed(2)} s`);

    const restored = join(dir, 'restored.img');
    await run(process.execPath, [ARCA, 'repo', 'restore-image', '--repo', arcaRepo, '--point', trackedPoint.id, '--disk', '0', '--to', restored], { env: arcaEnv });
    const [want, got] = [await sha256File(snap2), await sha256File(restored)];
    if (want !== got) throw new Error(`the tracked point restores to sha256 ${got}, snapshot 2 is ${want}: change tracking is wrong`);
    log('the tracked point restores byte for byte to snapshot 2');

    const results = {
      sizeBytes: opts.sizeBytes,
      pageCache: opts.dropCaches ? 'dropped before every measured run' : 'warm',
      initial: { arca: measured(arcaFull1, point1.reading), restic: measured(resticInitial) },
      incremental: { arcaTracked: measured(tracked, trackedPoint.reading), arcaFullRead: measured(fullRead, fullPoint.reading), restic: measured(resticIncremental), arcaTrackedNothingChanged: measured(floor, floorPoint.reading) },
    };
    process.stdout.write(opts.json ? `${JSON.stringify(results, null, 2)}\n` : table(results));
  } finally {
    await cleanup();
  }
}

const mib = (n: number | undefined) => (n === undefined ? '' : (n / 2 ** 20).toFixed(0));

function table(r: { sizeBytes: number; pageCache: string; initial: Record<string, Measured>; incremental: Record<string, Measured> }): string {
  const rows = [
    ['initial', 'arca (full read)', r.initial['arca']],
    ['initial', 'restic', r.initial['restic']],
    ['incremental', 'arca, change tracking', r.incremental['arcaTracked']],
    ['incremental', 'arca, full read', r.incremental['arcaFullRead']],
    ['incremental', 'restic', r.incremental['restic']],
    ['unchanged', 'arca, change tracking', r.incremental['arcaTrackedNothingChanged']],
  ] as const;
  const lines = [`${mib(r.sizeBytes)} MiB image, 3 % rewritten, page cache ${r.pageCache}`, '', 'phase        run                      wall s   CPU s   peak RSS MiB   read MiB   skipped MiB'];
  for (const [phase, name, m] of rows) {
    if (!m) continue;
    lines.push(`${phase.padEnd(12)} ${name.padEnd(24)} ${m.seconds.toFixed(2).padStart(6)}  ${(m.cpuSeconds?.toFixed(2) ?? 'n/a').padStart(6)}  ${(m.peakRssMiB?.toFixed(0) ?? 'n/a').padStart(13)}  ${mib(m.bytesRead).padStart(9)}  ${mib(m.bytesSkipped).padStart(12)}`);
  }
  const t = r.incremental['arcaTracked'];
  const f = r.incremental['arcaFullRead'];
  const s = r.incremental['restic'];
  if (t && f && s) lines.push('', `change tracking takes ${((t.seconds / f.seconds) * 100).toFixed(0)} % of Arca's full read and ${((t.seconds / s.seconds) * 100).toFixed(0)} % of restic's incremental`);
  return `${lines.join('\n')}\n`;
}

await main().catch((error: unknown) => {
  log(`failed: ${(error as Error).message}`);
  process.exitCode = 1;
});
