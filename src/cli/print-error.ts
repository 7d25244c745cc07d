import type { ArcaError, Language } from '../core/errors/index.ts';

const LABELS = {
  en: { steps: 'What to do:', retry: 'Retrying may help.', docs: 'More:' },
  es: { steps: 'Qué hacer:', retry: 'Reintentar puede ayudar.', docs: 'Más:' },
} as const;

/** How every failure looks on a terminal: code and title, the message, then numbered steps. */
export function formatError(error: ArcaError, language: Language): string {
  const rendered = error.render(language);
  const l = LABELS[language];
  const lines = [
    `error ${rendered.code} (${rendered.numericCode}): ${rendered.title}`,
    `  ${rendered.message}`,
    `  ${l.steps}`,
    ...rendered.recommendations.map((step, i) => `    ${i + 1}. ${step}`),
  ];
  if (error.retryable) lines.push(`  ${l.retry}`);
  lines.push(`  ${l.docs} arca errors show ${rendered.code}${language === 'es' ? ' --lang es' : ''}`);
  return lines.join('\n') + '\n';
}
