import { createInterface } from 'node:readline/promises';
import type { RunOutcome } from '../../../agent/doctor/run-checks.ts';
import type { Language } from '../../../core/errors/index.ts';
import type { FixReport } from './render.ts';

/** The fixer's own sentences; what each fix is and what it did come translated from the fix. */
const SAID = {
  en: {
    question: (fix: string) => `${fix}? [y/N] `,
    yes: /^y(es)?$/i,
    skipped: (fix: string) => `not done: ${fix} (run again with --yes to allow it)`,
    failed: (fix: string, reason: string) => `could not ${fix}: ${reason}`,
  },
  es: {
    question: (fix: string) => `¿${fix}? [s/N] `,
    yes: /^(s|s[ií]|y|yes)$/i,
    skipped: (fix: string) => `no se hizo: ${fix} (vuelva a ejecutarlo con --yes para permitirlo)`,
    failed: (fix: string, reason: string) => `no se pudo ${fix}: ${reason}`,
  },
} as const;

async function agree(question: string, yes: RegExp): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return yes.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/**
 * Applies the fixes of FAIL and WARN findings one after another (they may touch the same file). A
 * destructive fix runs only with `--yes` or after the operator agrees on a terminal; otherwise it
 * is skipped and says how to run it. Every sentence of the report is in `language`.
 */
export async function applyFixes(outcome: RunOutcome, yes: boolean, language: Language): Promise<FixReport[]> {
  const said = SAID[language];
  const reports: FixReport[] = [];
  const done = new Set<string>();
  for (const [index, fix] of outcome.fixes) {
    const result = outcome.results[index];
    // Keyed on the English text: the same repair offered by two findings runs once.
    if (!result || result.status === 'PASS' || done.has(fix.description.en)) continue;
    done.add(fix.description.en);
    const description = fix.description[language];
    if (fix.destructive && !yes && !(await agree(said.question(description), said.yes))) {
      reports.push({ id: result.id, description, outcome: 'skipped', message: said.skipped(description) });
      continue;
    }
    try {
      reports.push({ id: result.id, description, outcome: 'applied', message: (await fix.apply())[language] });
    } catch (error) {
      reports.push({ id: result.id, description, outcome: 'failed', message: said.failed(description, (error as Error).message) });
    }
  }
  return reports;
}
