import { createInterface } from 'node:readline/promises';
import type { RunOutcome } from '../../../agent/doctor/run-checks.ts';
import type { FixReport } from './render.ts';

async function agree(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/**
 * Applies the fixes of FAIL and WARN findings one after another (they may touch the same file). A
 * destructive fix runs only with `--yes` or after the operator agrees on a terminal; otherwise it
 * is skipped and says how to run it.
 */
export async function applyFixes(outcome: RunOutcome, yes: boolean): Promise<FixReport[]> {
  const reports: FixReport[] = [];
  const done = new Set<string>();
  for (const [index, fix] of outcome.fixes) {
    const result = outcome.results[index];
    if (!result || result.status === 'PASS' || done.has(fix.description)) continue;
    done.add(fix.description);
    if (fix.destructive && !yes && !(await agree(`${fix.description}?`))) {
      reports.push({ id: result.id, description: fix.description, outcome: 'skipped', message: `not done: ${fix.description} (run again with --yes to allow it)` });
      continue;
    }
    try {
      reports.push({ id: result.id, description: fix.description, outcome: 'applied', message: await fix.apply() });
    } catch (error) {
      reports.push({ id: result.id, description: fix.description, outcome: 'failed', message: `${fix.description} failed: ${(error as Error).message}` });
    }
  }
  return reports;
}
