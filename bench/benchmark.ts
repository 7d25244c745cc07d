import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { mutateImage, sha256File, writeImage } from './image.ts';
import { describeMachine } from './machine.ts';
import { dropCaches, folderSize, runMeasured, syncAll, type ProcessResult } from './measure.ts';
import type { BenchOptions } from './options.ts';
import type { BenchResults, ImageInfo, PhaseResult, ToolResult, UnchangedDataResult } from './results.ts';
import { createTool, type BenchTool, type ToolName } from './tools/index.ts';

export type Log = (line: string) => void;

const PASSPHRASE = 'arca-bench: not a secret';

interface Running {
  tool: BenchTool;
  version: string;
  phases: Partial<Record<'initial' | 'incremental' | 'restore', PhaseResult>>;
  storedBytesAfterInitial?: number;
  restoreSha256?: string;
}

function phaseResult(result: ProcessResult, sizeBytes: number, details?: Record<string, unknown>): PhaseResult {
  const phase: PhaseResult = {
    seconds: result.seconds,
    mbps: sizeBytes / 1e6 / result.seconds,
    peakRssMiB: result.peakRssMiB,
    cpuSeconds: result.cpuSeconds,
  };
  if (details) phase.tool = details;
  return phase;
}

function summary(name: string, phase: PhaseResult): string {
  const rss = phase.peakRssMiB === null ? '' : `, peak RSS ${phase.peakRssMiB.toFixed(0)} MiB`;
  return `${name}: ${phase.seconds.toFixed(2)} s, ${phase.mbps.toFixed(0)} MB/s${rss}`;
}

async function probeTools(names: ToolName[], workDir: string, log: Log) {
  const running: Running[] = [];
  const skipped: Partial<Record<ToolName, string>> = {};
  for (const name of names) {
    const folder = join(workDir, name);
    const tool = createTool(name, { folder, imagePath: join(workDir, 'image', 'disk.img'), passphrase: PASSPHRASE });
    const probe = await tool.probe();
    if (!probe.ok) {
      skipped[name] = probe.reason;
      log(`skipping ${name}: ${probe.reason}`);
      continue;
    }
    log(`${name}: ${probe.version.split('\n')[0]}`);
    await mkdir(folder, { recursive: true });
    running.push({ tool, version: probe.version, phases: {} });
  }
  return { running, skipped };
}

/** Sync (and drop caches when asked) outside the measured time, so each run starts alike. */
async function settle(options: BenchOptions): Promise<void> {
  if (options.dropCaches) await dropCaches();
  else await syncAll();
}

async function backupAll(running: Running[], phase: 'initial' | 'incremental', options: BenchOptions, log: Log): Promise<void> {
  for (const entry of running) {
    await settle(options);
    const { result, details } = await entry.tool.backup(phase);
    entry.phases[phase] = phaseResult(result, options.sizeBytes, details);
    log(summary(`${phase} backup, ${entry.tool.name}`, entry.phases[phase]));
    if (phase === 'initial') entry.storedBytesAfterInitial = (await folderSize(entry.tool.repository)).apparentBytes;
  }
  await syncAll();
}

async function restoreAll(running: Running[], workDir: string, expected: string, options: BenchOptions, log: Log): Promise<void> {
  for (const entry of running) {
    const target = join(workDir, `restore-${entry.tool.name}`);
    await mkdir(target, { recursive: true });
    await settle(options);
    const { result, restoredFile } = await entry.tool.restore(target);
    // A restore is done when the image is on disk: Arca flushes it itself, restic and borg leave
    // that to the kernel. Timing a sync right after every tool's restore compares the same thing.
    const flushStarted = performance.now();
    await syncAll();
    const flushSeconds = (performance.now() - flushStarted) / 1000;
    entry.phases.restore = phaseResult({ ...result, seconds: result.seconds + flushSeconds }, options.sizeBytes, { flushSeconds });
    log(summary(`restore, ${entry.tool.name}`, entry.phases.restore));
    const size = (await stat(restoredFile)).size;
    const sha256 = await sha256File(restoredFile);
    if (size !== options.sizeBytes || sha256 !== expected) {
      throw new Error(
        `${entry.tool.name} restored an image that differs from the one backed up ` +
          `(${size} bytes, sha256 ${sha256}; expected ${options.sizeBytes} bytes, sha256 ${expected}): the benchmark is void`,
      );
    }
    log(`restore, ${entry.tool.name}: verified byte for byte (sha256 ${sha256.slice(0, 16)}…)`);
    entry.restoreSha256 = sha256;
    await rm(target, { recursive: true, force: true });
  }
}

/**
 * Arca's read-and-hash path on data it already holds, against one sha256sum of the same image: the
 * image is read once untimed first, so both find it in the page cache.
 */
async function unchangedData(running: Running[], imagePath: string, options: BenchOptions, log: Log): Promise<UnchangedDataResult | undefined> {
  const arca = running.find((entry) => entry.tool.rereadBackup !== undefined);
  if (!arca?.tool.rereadBackup) return undefined;
  await sha256File(imagePath);
  await settle(options);
  const sum = phaseResult(await runMeasured('sha256sum', [imagePath]), options.sizeBytes);
  log(summary('unchanged data, sha256sum', sum));
  await settle(options);
  const { result, details } = await arca.tool.rereadBackup();
  const reread = phaseResult(result, options.sizeBytes, details);
  log(summary(`unchanged data, ${arca.tool.name} (backup with nothing new)`, reread));
  return { arca: reread, sha256sum: sum, speed: sum.seconds / reread.seconds };
}

async function prepareImage(path: string, options: BenchOptions, log: Log) {
  await mkdir(join(path, '..'), { recursive: true });
  log(`generating a ${(options.sizeBytes / 2 ** 20).toFixed(0)} MiB image (seed ${options.seed})`);
  const started = performance.now();
  const composition = await writeImage(path, options.sizeBytes, options.seed);
  const generationSeconds = (performance.now() - started) / 1000;
  log(`image generated in ${generationSeconds.toFixed(1)} s`);
  return { composition, generationSeconds };
}

async function rewriteImage(path: string, options: BenchOptions, log: Log): Promise<ImageInfo['mutation']> {
  const started = performance.now();
  const { extents, composition } = await mutateImage(path, options.sizeBytes, options.seed);
  const seconds = (performance.now() - started) / 1000;
  const bytes = Object.values(composition).reduce((a, b) => a + b, 0);
  log(`rewrote ${(bytes / 2 ** 20).toFixed(1)} MiB in ${extents} extents in ${seconds.toFixed(1)} s`);
  return { extents, bytes, composition, seconds };
}

async function toolResult(entry: Running, sizeBytes: number): Promise<ToolResult> {
  const { initial, incremental, restore } = entry.phases;
  if (!initial || !incremental || !restore || entry.restoreSha256 === undefined) throw new Error(`${entry.tool.name} did not finish every phase`);
  const repository = await folderSize(entry.tool.repository);
  const folder = await folderSize(join(entry.tool.repository, '..'));
  return {
    version: entry.version,
    settings: entry.tool.settings,
    initial,
    incremental,
    restore,
    storedBytes: repository.apparentBytes,
    storedBytesAfterInitial: entry.storedBytesAfterInitial ?? 0,
    allocatedBytes: repository.allocatedBytes,
    reduction: (2 * sizeBytes) / repository.apparentBytes,
    cacheBytes: folder.apparentBytes - repository.apparentBytes,
    restoreSha256: entry.restoreSha256,
  };
}

/**
 * The whole run: image, initial backups, rewrite, incremental backups, restores, each phase with
 * the tools in the same order on the same bytes. The work folder is removed unless `keep`.
 */
export async function runBenchmark(options: BenchOptions, log: Log): Promise<BenchResults> {
  const parent = options.dir ?? tmpdir();
  await mkdir(parent, { recursive: true });
  const workDir = await mkdtemp(join(parent, 'arca-bench-'));
  log(`work folder ${workDir}`);
  try {
    const { running, skipped } = await probeTools(options.tools, workDir, log);
    if (running.length === 0) throw new Error('none of the chosen tools can run here; see the reasons above');
    if (options.dropCaches) await dropCaches(); // fail early when the kernel refuses
    const imagePath = join(workDir, 'image', 'disk.img');
    const { composition, generationSeconds } = await prepareImage(imagePath, options, log);
    for (const entry of running) await entry.tool.init();
    // The first read of a file just written costs several times the later ones (measured: 1.1 s
    // against 0.2 s of system time for 2 GiB). Reading the image once, untimed, before the first
    // tool gives every tool the same start instead of charging that to whichever runs first.
    await sha256File(imagePath);
    await backupAll(running, 'initial', options, log);
    const mutation = await rewriteImage(imagePath, options, log);
    const sha256 = await sha256File(imagePath);
    await backupAll(running, 'incremental', options, log);
    await restoreAll(running, workDir, sha256, options, log);
    const reread = await unchangedData(running, imagePath, options, log);
    const tools: BenchResults['tools'] = {};
    for (const entry of running) tools[entry.tool.name] = await toolResult(entry, options.sizeBytes);
    return {
      sizeBytes: options.sizeBytes,
      tools,
      ...(reread ? { unchangedData: reread } : {}),
      skipped,
      image: { seed: options.seed, composition, generationSeconds, mutation, sha256 },
      machine: await describeMachine(workDir),
      workDir,
      kept: options.keep,
      pageCache: options.dropCaches ? 'dropped before every measured run' : 'warm',
    };
  } finally {
    if (options.keep) log(`kept ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
  }
}
