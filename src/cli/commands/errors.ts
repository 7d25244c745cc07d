import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ArcaError, CATALOG, docFiles, findEntry, PHASES, type CatalogEntry, type Language } from '../../core/errors/index.ts';
import { formatTable, outputContext, printJson, type OutputContext } from '../output.ts';

const SHOW_LABELS = {
  en: { numeric: 'numeric code', http: 'HTTP status', phase: 'phase', retry: 'retrying can help', windows: 'Windows guests only', steps: 'Recommended steps:', yes: 'yes', no: 'no' },
  es: { numeric: 'código numérico', http: 'estado HTTP', phase: 'fase', retry: 'reintentar puede ayudar', windows: 'solo invitados Windows', steps: 'Pasos recomendados:', yes: 'sí', no: 'no' },
} as const;

function formatEntry(entry: CatalogEntry, language: Language): string {
  const l = SHOW_LABELS[language];
  const text = entry[language];
  const facts = [
    `${l.numeric} ${entry.numericCode}`,
    `${l.http} ${entry.httpStatus}`,
    `${l.phase} ${entry.phase}`,
    `${l.retry}: ${entry.retryable ? l.yes : l.no}`,
    ...(entry.platform === 'windows' ? [l.windows] : []),
  ];
  return [
    `${entry.code}: ${text.title}`,
    `  ${facts.join(' · ')}`,
    '',
    `  ${text.message}`,
    '',
    `  ${l.steps}`,
    ...text.recommendations.map((step, i) => `    ${i + 1}. ${step}`),
    '',
  ].join('\n');
}

function list(out: OutputContext, phase: string | undefined): void {
  const entries = phase ? CATALOG.filter((e) => e.phase === phase) : CATALOG;
  if (out.format === 'json') return printJson(out, entries);
  out.write(
    formatTable(
      ['CODE', 'NUMERIC', 'HTTP', 'RETRY', 'PHASE', 'TITLE'],
      entries.map((e) => [e.code, String(e.numericCode), String(e.httpStatus), e.retryable ? 'yes' : 'no', e.phase, e[out.language].title]),
    ),
  );
}

function show(out: OutputContext, code: string): void {
  const entry = findEntry(code);
  if (!entry) throw new ArcaError('UserErrorUnknownErrorCode', { code });
  if (out.format === 'json') {
    const { en, es, ...facts } = entry;
    return printJson(out, { ...facts, language: out.language, ...(out.language === 'es' ? es : en), en, es });
  }
  out.write(formatEntry(entry, out.language));
}

/** Writes the generated pages, or with `check` reports which are missing, stale or unexpected. */
export async function syncDocs(dir: string, check: boolean): Promise<string[]> {
  const wanted = docFiles(CATALOG);
  const problems: string[] = [];
  for (const [relative, content] of wanted) {
    const path = join(dir, relative);
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current === content) continue;
    if (check) problems.push(`${current === undefined ? 'missing' : 'out of date'}: ${relative}`);
    else {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    }
  }
  for (const language of ['en', 'es']) {
    const names = await readdir(join(dir, language)).catch(() => [] as string[]);
    for (const name of names) {
      if (!wanted.has(`${language}/${name}`)) problems.push(`not in the catalog: ${language}/${name}`);
    }
  }
  return problems;
}

export function errorsCommand(): Command {
  const command = new Command('errors').description('look up error codes: what they mean and what to do');

  command
    .command('list')
    .description('list every error code')
    .addOption(new Option('--phase <phase>', 'only codes of one phase').choices(PHASES))
    .addHelpText('after', '\nExamples:\n  arca errors list\n  arca errors list --phase snapshot -o json\n')
    .action(function (this: Command, opts: { phase?: string }) {
      list(outputContext(this), opts.phase);
    });

  command
    .command('show')
    .description('explain one error code and the steps that fix it')
    .argument('<code>', 'the error code, e.g. UserErrorRpCollectionLimitReached (any case)')
    .addHelpText('after', '\nExamples:\n  arca errors show UserErrorFsFreezeFailed\n  arca errors show UserErrorRpCollectionLimitReached --lang es -o json\n')
    .action(function (this: Command, code: string) {
      show(outputContext(this), code);
    });

  command
    .command('docs')
    .description('write the generated Markdown pages (docs/errors), or check they are current')
    .option('--out <dir>', 'docs folder', 'docs/errors')
    .option('--check', 'change nothing; fail when a page is missing or stale')
    .addHelpText('after', '\nExamples:\n  arca errors docs                 # after a catalog change (npm run docs:errors)\n  arca errors docs --check         # in CI: exit 1 when a page is missing or stale\n')
    .action(async (opts: { out: string; check?: boolean }) => {
      const problems = await syncDocs(resolve(opts.out), Boolean(opts.check));
      for (const problem of problems) process.stderr.write(`${problem}\n`);
      if (problems.length > 0) process.exitCode = 1;
    });

  return command;
}
