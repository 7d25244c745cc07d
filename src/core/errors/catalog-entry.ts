/**
 * The shape of one error-catalog entry. The catalog is the only place an error code is born; every
 * other layer refers to codes by name and renders them through `renderError`.
 */

export const PHASES = ['agent', 'extension', 'snapshot', 'transfer', 'vault', 'restore', 'job'] as const;
export type Phase = (typeof PHASES)[number];

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** What the user reads, in one language. `message` may name parameters as `{name}`. */
export interface LocalizedText {
  readonly title: string;
  readonly message: string;
  /** Numbered steps, in order; rendered as "1. …". Each may use the same `{name}` parameters. */
  readonly recommendations: readonly string[];
}

export interface CatalogEntryBody {
  /** Azure's numeric code where Azure documents one, otherwise one from Arca's range (see numbering.ts). */
  readonly numericCode: number;
  readonly httpStatus: number;
  /** True when trying the same operation again, unchanged, can succeed. */
  readonly retryable: boolean;
  readonly phase: Phase;
  /** Set for failures that only happen on Windows guests; their checks come later. */
  readonly platform?: 'windows';
  readonly en: LocalizedText;
  readonly es: LocalizedText;
}

export interface CatalogEntry extends CatalogEntryBody {
  readonly code: string;
}

/** Identity function that keeps the literal keys, so the code union is derived from the data. */
export function defineErrors<const T extends Record<string, CatalogEntryBody>>(entries: T): T {
  return entries;
}
