import type { CatalogEntry, Language, LocalizedText } from './catalog-entry.ts';

export type ErrorParams = Readonly<Record<string, string | number | boolean>>;

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** Names of the `{param}` placeholders a text uses, in order of first appearance. */
export function placeholdersOf(text: LocalizedText): string[] {
  const names = new Set<string>();
  for (const part of [text.title, text.message, ...text.recommendations]) {
    for (const match of part.matchAll(PLACEHOLDER)) names.add(match[1] as string);
  }
  return [...names];
}

/**
 * Fills placeholders. A parameter the caller did not supply stays visible as `{name}` rather than
 * failing: rendering happens on error paths, where throwing would hide the original failure.
 */
export function fill(template: string, params: ErrorParams): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

export interface RenderedError {
  readonly code: string;
  readonly numericCode: number;
  readonly title: string;
  readonly message: string;
  readonly recommendations: readonly string[];
}

export function renderEntry(entry: CatalogEntry, language: Language, params: ErrorParams = {}): RenderedError {
  const text = entry[language];
  return {
    code: entry.code,
    numericCode: entry.numericCode,
    title: fill(text.title, params),
    message: fill(text.message, params),
    recommendations: text.recommendations.map((step) => fill(step, params)),
  };
}

/** Picks the first supported language from an Accept-Language style list; English otherwise. */
export function pickLanguage(accept: string | undefined): Language {
  if (!accept) return 'en';
  const ranked = accept
    .split(',')
    .map((part) => {
      const [tag = '', ...attrs] = part.trim().split(';');
      const q = attrs.map((a) => a.trim()).find((a) => a.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((item) => item.tag && Number.isFinite(item.q) && item.q > 0)
    .toSorted((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const primary = tag.split('-')[0];
    if (primary === 'es') return 'es';
    if (primary === 'en') return 'en';
  }
  return 'en';
}
