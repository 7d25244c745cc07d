import type { Command } from 'commander';
import { invalidArgument, type Language } from '../core/errors/index.ts';

export type OutputFormat = 'table' | 'json';

export interface OutputContext {
  readonly format: OutputFormat;
  readonly language: Language;
  readonly write: (text: string) => void;
}

/** Language from `--lang`, then ARCA_LANG, then the locale variables; English when none says Spanish. */
export function resolveLanguage(flag: string | undefined, env: NodeJS.ProcessEnv): Language {
  if (flag !== undefined) {
    if (flag === 'en' || flag === 'es') return flag;
    throw invalidArgument('--lang', `"${flag}" is not a supported language (en, es)`);
  }
  const fromEnv = env.ARCA_LANG || env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return fromEnv.toLowerCase().startsWith('es') ? 'es' : 'en';
}

/**
 * `-o` wins, then ARCA_OUTPUT; otherwise the human form. Output does not change with whether stdout
 * is a terminal, so what a person sees is what `| less` shows; scripts ask for `-o json`.
 */
export function resolveFormat(flag: string | undefined, env: NodeJS.ProcessEnv): OutputFormat {
  flag ??= env.ARCA_OUTPUT;
  if (flag === undefined || flag === '') return 'table';
  if (flag === 'table' || flag === 'json') return flag;
  throw invalidArgument('-o/--output', `"${flag}" is not an output format (table, json)`);
}

export function outputContext(command: Command): OutputContext {
  const globals = command.optsWithGlobals<{ output?: string; lang?: string }>();
  return {
    format: resolveFormat(globals.output, process.env),
    language: resolveLanguage(globals.lang, process.env),
    write: (text) => process.stdout.write(text),
  };
}

export function printJson(out: OutputContext, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Left-aligned columns; the last column is not padded so long titles do not leave trailing blanks. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
