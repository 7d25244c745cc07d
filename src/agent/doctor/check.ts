import type { CatalogCode, ErrorParams, Language } from '../../core/errors/index.ts';

/** A check's verdict; `worse` orders them, the worst first in every report. */
export const CHECK_STATUSES = ['FAIL', 'WARN', 'PASS'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export function severity(status: CheckStatus): number {
  return CHECK_STATUSES.indexOf(status);
}

/** A sentence in every language the CLI speaks; the report picks the chosen one. */
export type Localized = Readonly<Record<Language, string>>;

/**
 * A repair the doctor can make. `destructive` repairs are applied only after the operator agrees
 * (or with --yes); `apply` says in one sentence, in each language, what it did. An error it throws
 * carries a fact (a command's stderr, an errno); the caller puts it into a sentence of its own.
 */
export interface Fix {
  readonly description: Localized;
  readonly destructive: boolean;
  apply(): Promise<Localized>;
}

/**
 * What a finding saw: a bare fact (paths, values, a program's own words) stays one string; a
 * sentence the operator has to read comes in each language.
 */
export type Detail = string | Localized;

export const detailIn = (detail: Detail, language: Language): string => (typeof detail === 'string' ? detail : detail[language]);

/** One finding of a check: its verdict, the catalog code the condition causes, and what was seen. */
export interface Finding {
  readonly status: CheckStatus;
  /** What was seen, in plain words (facts: paths, values), shown under the title. */
  readonly detail: Detail;
  readonly code?: CatalogCode;
  readonly params?: ErrorParams;
  readonly fix?: Fix;
}

/** A check's title in every language the CLI speaks; the tables are titles.ts (machine) and vault-titles.ts. */
export type CheckTitle = Localized;

/** A step of the troubleshooting checklist. `run` may return several findings (one per mount, per extension…). */
export interface Check<C> {
  /** Stable: scripts and `-o json` readers key on it; never translated. */
  readonly id: string;
  readonly title: CheckTitle;
  /** Default 3 s, at most MAX_CHECK_TIMEOUT_MS; the whole run stays under 10 s because checks run side by side. */
  readonly timeoutMs?: number;
  run(context: C, signal: AbortSignal): Promise<Finding | readonly Finding[]>;
}

/** No check may wait longer: with the process start, `arca doctor` ends within ten seconds. */
export const MAX_CHECK_TIMEOUT_MS = 7000;

export const pass = (detail: Detail): Finding => ({ status: 'PASS', detail });
export const warn = (detail: Detail, code?: CatalogCode, params?: ErrorParams, fix?: Fix): Finding => ({ status: 'WARN', detail, ...(code ? { code } : {}), ...(params ? { params } : {}), ...(fix ? { fix } : {}) });
export const fail = (detail: Detail, code: CatalogCode, params: ErrorParams, fix?: Fix): Finding => ({ status: 'FAIL', detail, code, params, ...(fix ? { fix } : {}) });
