import type { CheckResult } from '../../../agent/doctor/run-checks.ts';
import type { Language } from '../../../core/errors/index.ts';

export interface FixReport {
  readonly id: string;
  readonly description: string;
  readonly outcome: 'applied' | 'skipped' | 'failed';
  readonly message: string;
}

export interface DoctorReport {
  readonly target: string;
  readonly summary: { readonly FAIL: number; readonly WARN: number; readonly PASS: number };
  readonly results: readonly CheckResult[];
  readonly fixes?: readonly FixReport[];
  readonly bundle?: string;
}

export function summarize(results: readonly CheckResult[]): DoctorReport['summary'] {
  return { FAIL: results.filter((r) => r.status === 'FAIL').length, WARN: results.filter((r) => r.status === 'WARN').length, PASS: results.filter((r) => r.status === 'PASS').length };
}

/** Message and steps are printed for the first few findings only, so that the report fits one screen; -o json has them all. */
const WITH_STEPS = 3;
const WIDTH = 110;
/** Rows of a terminal the report may fill, a long line counting as the rows it wraps onto. */
export const SCREEN_ROWS = 40;

const clip = (text: string, width = WIDTH) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
const rows = (lines: readonly string[]) => lines.reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / WIDTH)), 0);

/** The report's own words; titles, messages and steps come translated from the checks and the catalog. */
const WORDS = {
  en: {
    fix: { applied: 'fix applied', skipped: 'fix skipped', failed: 'fix failed' },
    asks: ' (asks first, or --yes)',
    more: (n: number) => `… ${n} more finding(s) not shown: arca doctor -o json lists them all`,
    bundle: 'support bundle',
  },
  es: {
    fix: { applied: 'corrección aplicada', skipped: 'corrección omitida', failed: 'corrección fallida' },
    asks: ' (pregunta antes, o --yes)',
    more: (n: number) => `… ${n} hallazgo(s) más sin mostrar: arca doctor -o json los lista todos`,
    bundle: 'paquete de soporte',
  },
} as const;

function findingLines(result: CheckResult, withSteps: boolean, fixHint: boolean, language: Language): string[] {
  const code = result.code ? ` ${result.code} (${result.numericCode})` : '';
  const lines = ['', `${result.status}${code}: ${result.title}`, `      ${clip(result.detail, WIDTH - 6)}`];
  if (result.message && withSteps) {
    lines.push(`      ${result.message}`);
    result.steps?.forEach((step, i) => lines.push(`      ${i + 1}. ${step}`));
  }
  if (result.fix && fixHint) lines.push(`      --fix: ${result.fix.description}${result.fix.destructive ? WORDS[language].asks : ''}`);
  return lines;
}

/**
 * The human report, within SCREEN_ROWS: a summary line, then FAIL and WARN findings worst first
 * (results arrive ordered), the first few with their message and steps, then every PASS title on
 * one line. What does not fit is counted and left to `-o json`.
 */
export function renderReport(report: DoctorReport, fixHint: boolean, language: Language = 'en'): string {
  const { summary } = report;
  const words = WORDS[language];
  const head = [`arca doctor: ${report.target}: ${summary.FAIL} FAIL, ${summary.WARN} WARN, ${summary.PASS} PASS`];
  for (const fix of report.fixes ?? []) head.push(`  ${words.fix[fix.outcome]}: ${clip(fix.message, WIDTH - 24)}`);
  const passed = [...new Set(report.results.filter((r) => r.status === 'PASS').map((r) => r.title))];
  const tail = [...(passed.length > 0 ? ['', clip(`PASS: ${passed.join('; ')}`, 2 * WIDTH)] : []), ...(report.bundle ? ['', `${words.bundle}: ${report.bundle}`] : [])];
  const findings = report.results.filter((r) => r.status !== 'PASS');
  const room = SCREEN_ROWS - rows(head) - rows(tail);
  // The worst finding with a code always shows its message and steps; every other finding that
  // fits gets its title and detail, worst first; then the next few get their steps while room remains.
  const blocks = findings.map((result) => findingLines(result, false, fixHint, language));
  const first = findings.findIndex((r) => r.message !== undefined);
  if (first >= 0) blocks[first] = findingLines(findings[first] as CheckResult, true, fixHint, language);
  let shown = blocks.length;
  const total = () => blocks.slice(0, shown).reduce((sum, block) => sum + rows(block), 0) + (shown < findings.length ? 1 : 0);
  while (shown > first + 1 && total() > room) shown -= 1;
  const more = first >= 0 ? shown : 0;
  for (let i = first + 1, stepped = 1; i < more && stepped < WITH_STEPS; i += 1) {
    const result = findings[i] as CheckResult;
    if (!result.message) continue;
    const compact = blocks[i] as string[];
    blocks[i] = findingLines(result, true, fixHint, language);
    if (total() > room) {
      blocks[i] = compact;
      break;
    }
    stepped += 1;
  }
  const body = blocks.slice(0, shown).flat();
  if (shown < findings.length) body.push(words.more(findings.length - shown));
  return `${[...head, ...body, ...tail].join('\n')}\n`;
}
