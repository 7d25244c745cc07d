import { goals, ratios, type Ratios } from './compare.ts';
import { EXTENT_KINDS, type Composition } from './image.ts';
import { PHASES, type BenchResults, type Phase } from './results.ts';
import type { ToolName } from './tools/index.ts';

const MB = 1e6;
const PHASE_TITLES: Record<Phase, string> = {
  initial: 'Initial backup',
  incremental: 'Incremental backup (3 % of the image rewritten; each tool reads the whole image again)',
  restore: 'Full restore of the incremental backup (verified byte for byte against the image with SHA-256)',
};
const KIND_NAMES: Record<keyof Composition, string> = { zero: 'zeros (sparse holes)', text: 'log-like text', binary: 'binary records', random: 'random' };

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('   ');
  return [line(header), ...rows.map(line)];
}

const fixed = (v: number | null, digits: number) => (v === null ? 'n/a' : v.toFixed(digits));
const times = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(2)}×`);

function toolNames(results: BenchResults): ToolName[] {
  return Object.keys(results.tools) as ToolName[];
}

function composition(c: Composition, total: number): string {
  return EXTENT_KINDS.filter((k) => c[k] > 0)
    .map((k) => `${((100 * c[k]) / total).toFixed(1)} % ${KIND_NAMES[k]}`)
    .join(', ');
}

function preamble(r: BenchResults): string[] {
  const m = r.machine;
  const mutation = r.image.mutation;
  return [
    `Arca repository benchmark: ${(r.sizeBytes / MB).toFixed(1)} MB image (${(r.sizeBytes / 2 ** 20).toFixed(0)} MiB), seed ${r.image.seed}`,
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Linux ${m.kernel}, Node ${m.node}; ` +
      `image and repositories on the same ${m.fileSystem} file system`,
    `Image: ${composition(r.image.composition, r.sizeBytes)}; generated in ${r.image.generationSeconds.toFixed(1)} s (not counted)`,
    `Rewrite for the incremental: ${(mutation.bytes / MB).toFixed(1)} MB (${((100 * mutation.bytes) / r.sizeBytes).toFixed(1)} %) ` +
      `in ${mutation.extents} extents of ~1 MiB at random 4 KiB-aligned offsets: ${composition(mutation.composition, mutation.bytes)}`,
    'MB/s = image size / wall seconds of the tool\'s process, 1 MB = 10^6 bytes; peak RSS = ru_maxrss from GNU time, 1 MiB = 2^20 bytes.',
    r.pageCache === 'warm'
      ? 'Page cache: warm (the image and repositories stay cached; run with --drop-caches as root for cold reads). sync runs before each measured run, outside the timing.'
      : 'Page cache: synced and dropped before every measured run.',
  ];
}

function ratioLines(all: Partial<Record<'restic' | 'borg', Ratios>>, phase: Phase): string[] {
  return (Object.entries(all) as ['restic' | 'borg', Ratios][]).map(
    ([name, r]) => `  Arca vs ${name}: throughput ${times(r[phase].speed)} (${name} s / Arca s; > 1 = Arca faster), peak RSS ${times(r[phase].rss)} (Arca / ${name})`,
  );
}

function phaseSection(r: BenchResults, phase: Phase, all: Partial<Record<'restic' | 'borg', Ratios>>): string[] {
  const rows = toolNames(r).map((name) => {
    const p = r.tools[name]?.[phase];
    return p ? [name, fixed(p.mbps, 1), fixed(p.seconds, 2), fixed(p.peakRssMiB, 0), fixed(p.cpuSeconds, 1)] : [name];
  });
  return ['', PHASE_TITLES[phase], ...table(['tool', 'MB/s', 'wall s', 'peak RSS MiB', 'CPU s'], rows), ...ratioLines(all, phase)];
}

function storageSection(r: BenchResults, all: Partial<Record<'restic' | 'borg', Ratios>>): string[] {
  const rows = toolNames(r).map((name) => {
    const t = r.tools[name];
    if (!t) return [name];
    return [name, fixed(t.storedBytes / MB, 1), fixed(t.storedBytesAfterInitial / MB, 1), fixed(t.allocatedBytes / MB, 1), `${t.reduction.toFixed(2)}:1`, fixed(t.cacheBytes / MB, 1)];
  });
  return [
    '',
    'Stored bytes (apparent size of the repository folder\'s files, like du -sb, after both backups)',
    ...table(['tool', 'stored MB', 'after initial MB', 'allocated MB', 'reduction', 'cache MB'], rows),
    '  reduction = bytes backed up (the image twice) / stored bytes; cache = the tool\'s local cache outside the repository',
    ...(Object.entries(all) as ['restic' | 'borg', Ratios][]).map(([name, x]) => `  Arca vs ${name}: stored bytes ${times(x.storedBytes)} (Arca / ${name})`),
  ];
}

function unchangedSection(r: BenchResults): string[] {
  const u = r.unchangedData;
  if (!u) return [];
  return [
    '',
    'Unchanged data (the image read and hashed again, nothing new to store; page cache warm)',
    `  arca backup-image: ${u.arca.seconds.toFixed(2)} s, ${u.arca.mbps.toFixed(0)} MB/s`,
    `  sha256sum:         ${u.sha256sum.seconds.toFixed(2)} s, ${u.sha256sum.mbps.toFixed(0)} MB/s`,
    `  Arca vs sha256sum: ${u.speed.toFixed(2)}× (sha256sum seconds / Arca seconds)`,
  ];
}

function toolsSection(r: BenchResults): string[] {
  const lines = ['', 'Tools (default settings)'];
  for (const name of toolNames(r)) lines.push(`  ${r.tools[name]?.version.split('\n')[0]}: ${r.tools[name]?.settings}`);
  for (const [name, reason] of Object.entries(r.skipped)) lines.push(`  ${name}: SKIPPED: ${reason}`);
  return lines;
}

export function humanReport(r: BenchResults): string {
  const all = ratios(r);
  const lines = [...preamble(r)];
  for (const phase of PHASES) lines.push(...phaseSection(r, phase, all));
  lines.push(...storageSection(r, all), ...unchangedSection(r), ...toolsSection(r), '', 'Goals (from the issue)');
  for (const g of goals(r)) lines.push(`  ${g.status.padEnd(4)}  ${g.goal}: ${g.measured}`);
  if (r.kept) lines.push('', `Work folder kept: ${r.workDir}`);
  return lines.join('\n') + '\n';
}

function rounded(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
}

export function jsonReport(r: BenchResults): string {
  const out = {
    sizeBytes: r.sizeBytes,
    tools: r.tools,
    ratios: ratios(r),
    goals: goals(r),
    skipped: r.skipped,
    units: {
      mbps: 'image bytes / 10^6 / wall seconds of the process',
      peakRssMiB: 'ru_maxrss from GNU time, 2^20 bytes',
      storedBytes: 'sum of apparent file sizes in the repository folder after both backups',
      ratios: 'speed: other seconds / arca seconds (> 1 = Arca faster); rss, storedBytes: arca / other',
    },
    image: r.image,
    machine: r.machine,
    pageCache: r.pageCache,
    ...(r.kept ? { workDir: r.workDir } : {}),
  };
  return JSON.stringify(out, rounded, 2) + '\n';
}
