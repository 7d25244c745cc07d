import type { Clock } from '../../core/clock.ts';
import { entryFor, renderEntry, type Language } from '../../core/errors/index.ts';
import { detailIn, MAX_CHECK_TIMEOUT_MS, severity, type Check, type CheckStatus, type Finding, type Fix } from './check.ts';

/** One finding as reported: the check it came from and the catalog code rendered in the chosen language. */
export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly code?: string;
  readonly numericCode?: number;
  readonly message?: string;
  readonly steps?: readonly string[];
  readonly durationMs: number;
  readonly fix?: { readonly description: string; readonly destructive: boolean };
}

export interface RunOutcome {
  readonly results: readonly CheckResult[];
  /** Not in JSON: the repairs, by the index of their result (each speaks every language). */
  readonly fixes: ReadonlyMap<number, Fix>;
}

const DEFAULT_TIMEOUT_MS = 3000;

/** The runner's own sentences, in the report's language. */
const SAID = {
  en: { timedOut: (s: number) => `no answer within ${s} s`, failed: (reason: string) => `the check itself failed: ${reason}` },
  es: { timedOut: (s: number) => `sin respuesta en ${s} s`, failed: (reason: string) => `la propia comprobación falló: ${reason}` },
} as const;

interface RunOneOptions {
  readonly language: Language;
  readonly monotonic: () => number;
  readonly maxTimeoutMs: number;
}

async function runOne<C>(check: Check<C>, context: C, options: RunOneOptions): Promise<{ findings: readonly Finding[]; ms: number }> {
  const { monotonic } = options;
  const said = SAID[options.language];
  const started = monotonic();
  const timeoutMs = Math.min(check.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.maxTimeoutMs);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Finding>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ status: 'WARN', detail: said.timedOut(timeoutMs / 1000), code: 'DoctorCheckTimedOut', params: { check: check.title[options.language], seconds: timeoutMs / 1000 } });
    }, timeoutMs);
  });
  try {
    const found = await Promise.race([check.run(context, controller.signal), timedOut]);
    return { findings: Array.isArray(found) ? found : [found as Finding], ms: monotonic() - started };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { findings: [{ status: 'WARN', detail: said.failed(reason) }], ms: monotonic() - started };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every check side by side, each under its own timeout (never above `maxTimeoutMs`, by default
 * MAX_CHECK_TIMEOUT_MS), and returns the findings worst first (FAIL, WARN, PASS; in check order
 * within a verdict), each title and code rendered in `language`.
 */
export async function runChecks<C>(checks: readonly Check<C>[], context: C, options: { language: Language; monotonic: () => number; clock?: Clock; maxTimeoutMs?: number }): Promise<RunOutcome> {
  const one = { language: options.language, monotonic: options.monotonic, maxTimeoutMs: options.maxTimeoutMs ?? MAX_CHECK_TIMEOUT_MS };
  const runs = await Promise.all(checks.map((check) => runOne(check, context, one)));
  const flat = runs.flatMap((run, i) => run.findings.map((finding) => ({ check: checks[i] as Check<C>, finding, ms: run.ms })));
  const ordered = flat.map((item, order) => ({ ...item, order })).toSorted((a, b) => severity(a.finding.status) - severity(b.finding.status) || a.order - b.order);
  const fixes = new Map<number, Fix>();
  const results = ordered.map(({ check, finding, ms }, index): CheckResult => {
    if (finding.fix) fixes.set(index, finding.fix);
    const rendered = finding.code ? renderEntry(entryFor(finding.code), options.language, finding.params ?? {}) : undefined;
    return {
      id: check.id,
      title: check.title[options.language],
      status: finding.status,
      detail: detailIn(finding.detail, options.language),
      ...(rendered ? { code: rendered.code, numericCode: rendered.numericCode, message: rendered.message, steps: rendered.recommendations } : {}),
      durationMs: Math.round(ms),
      ...(finding.fix ? { fix: { description: finding.fix.description[options.language], destructive: finding.fix.destructive } } : {}),
    };
  });
  return { results, fixes };
}
