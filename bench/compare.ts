import { PHASES, type BenchResults, type Phase, type ToolResult } from './results.ts';

/**
 * Arca against each other tool. Speed: other's wall seconds / Arca's (the throughput ratio; > 1
 * means Arca is faster). Memory and storage: Arca / other (< 1 means Arca uses less).
 */
export interface Ratios {
  initial: { speed: number; rss: number | null };
  incremental: { speed: number; rss: number | null };
  restore: { speed: number; rss: number | null };
  storedBytes: number;
  /** Arca's highest peak RSS over the three phases / the other tool's. */
  peakRss: number | null;
}

export function maxRss(tool: ToolResult): number | null {
  const values = PHASES.map((p) => tool[p].peakRssMiB);
  return values.some((v) => v === null) ? null : Math.max(...(values as number[]));
}

function divide(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

function phaseRatio(arca: ToolResult, other: ToolResult, phase: Phase) {
  return { speed: other[phase].seconds / arca[phase].seconds, rss: divide(arca[phase].peakRssMiB, other[phase].peakRssMiB) };
}

export function ratios(results: BenchResults): Partial<Record<'restic' | 'borg', Ratios>> {
  const arca = results.tools.arca;
  const out: Partial<Record<'restic' | 'borg', Ratios>> = {};
  if (!arca) return out;
  for (const name of ['restic', 'borg'] as const) {
    const other = results.tools[name];
    if (!other) continue;
    out[name] = {
      initial: phaseRatio(arca, other, 'initial'),
      incremental: phaseRatio(arca, other, 'incremental'),
      restore: phaseRatio(arca, other, 'restore'),
      storedBytes: arca.storedBytes / other.storedBytes,
      peakRss: divide(maxRss(arca), maxRss(other)),
    };
  }
  return out;
}

export interface Goal {
  goal: string;
  status: 'PASS' | 'MISS' | 'SKIP';
  measured: string;
}

function check(goal: string, value: number | null | undefined, ok: (v: number) => boolean, show: (v: number) => string, needs: string): Goal {
  if (value === null || value === undefined) return { goal, status: 'SKIP', measured: `needs ${needs}` };
  return { goal, status: ok(value) ? 'PASS' : 'MISS', measured: show(value) };
}

const times = (v: number) => `${v.toFixed(2)}×`;

/** The goals for Arca's repository, each PASS, MISS, or SKIP when a needed tool did not run. */
export function goals(results: BenchResults): Goal[] {
  const restic = ratios(results).restic;
  const both = 'arca and restic';
  const arca = results.tools.arca;
  return [
    check('initial backup throughput ≥ 2× restic', restic?.initial.speed, (v) => v >= 2, times, both),
    check('incremental backup throughput ≥ 3× restic', restic?.incremental.speed, (v) => v >= 3, times, both),
    check('restore throughput ≥ 2× restic', restic?.restore.speed, (v) => v >= 2, times, both),
    check('stored bytes ≤ 1.05× restic', restic?.storedBytes, (v) => v <= 1.05, times, both),
    check('unchanged-data path (read + hash) ≥ 1.5× sha256sum', results.unchangedData?.speed, (v) => v >= 1.5, times, 'arca and sha256sum'),
    check('Arca peak RSS ≤ 256 MiB', arca ? maxRss(arca) : null, (v) => v <= 256, (v) => `${v.toFixed(0)} MiB`, 'arca and GNU time'),
  ];
}
