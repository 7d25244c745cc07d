import type { CheckResult } from '../../../agent/doctor/run-checks.ts';

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

const clip = (text: string, width = WIDTH) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);

/** The human report: a summary line, then FAIL and WARN findings worst first, then every PASS on one line. */
export function renderReport(report: DoctorReport, fixHint: boolean): string {
  const { summary } = report;
  const lines = [`arca doctor: ${report.target}: ${summary.FAIL} FAIL, ${summary.WARN} WARN, ${summary.PASS} PASS`];
  for (const fix of report.fixes ?? []) lines.push(`  fix ${fix.outcome}: ${clip(fix.message, WIDTH - 16)}`);
  let stepped = 0;
  for (const result of report.results.filter((r) => r.status !== 'PASS')) {
    const code = result.code ? ` ${result.code} (${result.numericCode})` : '';
    lines.push('', `${result.status}${code}: ${result.title}`, `      ${clip(result.detail, WIDTH - 6)}`);
    if (result.message && stepped < WITH_STEPS) {
      lines.push(`      ${result.message}`);
      result.steps?.forEach((step, i) => lines.push(`      ${i + 1}. ${step}`));
      stepped += 1;
    }
    if (result.fix && fixHint) lines.push(`      --fix: ${result.fix.description}${result.fix.destructive ? ' (asks first, or --yes)' : ''}`);
  }
  const passed = report.results.filter((r) => r.status === 'PASS').map((r) => r.title);
  if (passed.length > 0) lines.push('', `PASS: ${[...new Set(passed)].join('; ')}`);
  if (report.bundle) lines.push('', `support bundle: ${report.bundle}`);
  return `${lines.join('\n')}\n`;
}
