import type { CatalogEntry, Language } from './catalog-entry.ts';
import { ARCA_NUMERIC_RANGE } from './numbering.ts';

const LABELS = {
  en: {
    numeric: 'Numeric code',
    http: 'HTTP status',
    phase: 'Phase',
    retry: 'Retrying can help',
    platform: 'Platform',
    yes: 'yes',
    no: 'no, fix the cause first',
    windows: 'Windows guests only',
    any: 'all guests',
    message: 'Message',
    steps: 'Recommended steps',
    other: 'Esta página en español',
    index: 'Error catalog',
    code: 'Code',
    title: 'Title',
  },
  es: {
    numeric: 'Código numérico',
    http: 'Estado HTTP',
    phase: 'Fase',
    retry: 'Reintentar puede ayudar',
    platform: 'Plataforma',
    yes: 'sí',
    no: 'no, corrija antes la causa',
    windows: 'solo invitados Windows',
    any: 'todos los invitados',
    message: 'Mensaje',
    steps: 'Pasos recomendados',
    other: 'This page in English',
    index: 'Catálogo de errores',
    code: 'Código',
    title: 'Título',
  },
} as const;

const GENERATED = '<!-- Generated from src/core/errors/catalog by `npm run docs:errors`. Do not edit by hand. -->';

/** The Markdown page of one code in one language; `docs/errors/<lang>/<code>.md`. */
export function docPage(entry: CatalogEntry, language: Language): string {
  const l = LABELS[language];
  const text = entry[language];
  const other: Language = language === 'en' ? 'es' : 'en';
  return [
    `# ${entry.code}: ${text.title}`,
    '',
    GENERATED,
    '',
    `| ${l.numeric} | ${l.http} | ${l.phase} | ${l.retry} | ${l.platform} |`,
    '|---|---|---|---|---|',
    `| ${entry.numericCode} | ${entry.httpStatus} | ${entry.phase} | ${entry.retryable ? l.yes : l.no} | ${entry.platform === 'windows' ? l.windows : l.any} |`,
    '',
    `## ${l.message}`,
    '',
    text.message,
    '',
    `## ${l.steps}`,
    '',
    ...text.recommendations.map((step, i) => `${i + 1}. ${step}`),
    '',
    `[${l.other}](../${other}/${entry.code}.md)`,
    '',
  ].join('\n');
}

/** The index page of one language, listing every code; `docs/errors/<lang>/README.md`. */
export function docIndex(entries: readonly CatalogEntry[], language: Language): string {
  const l = LABELS[language];
  const intro =
    language === 'en'
      ? `Every failure Arca reports carries one of these codes. Numeric codes are Azure's where Azure documents one, otherwise from Arca's range ${ARCA_NUMERIC_RANGE.first}–${ARCA_NUMERIC_RANGE.last}; a number is never reused. \`arca errors show CODE\` prints the same text.`
      : `Cada fallo que informa Arca lleva uno de estos códigos. Los códigos numéricos son los de Azure cuando Azure los documenta y, si no, del rango de Arca ${ARCA_NUMERIC_RANGE.first}–${ARCA_NUMERIC_RANGE.last}; un número nunca se reutiliza. \`arca errors show CÓDIGO --lang es\` muestra el mismo texto.`;
  return [
    `# ${l.index}`,
    '',
    GENERATED,
    '',
    intro,
    '',
    `| ${l.code} | ${l.numeric} | ${l.phase} | ${l.title} |`,
    '|---|---|---|---|',
    ...entries.map((e) => `| [${e.code}](${e.code}.md) | ${e.numericCode} | ${e.phase} | ${e[language].title} |`),
    '',
  ].join('\n');
}

/** Every generated file, keyed by its path relative to the docs folder. */
export function docFiles(entries: readonly CatalogEntry[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const language of ['en', 'es'] as const) {
    files.set(`${language}/README.md`, docIndex(entries, language));
    for (const entry of entries) files.set(`${language}/${entry.code}.md`, docPage(entry, language));
  }
  return files;
}
