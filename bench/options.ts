import { parseArgs } from 'node:util';
import { TOOL_NAMES, type ToolName } from './tools/index.ts';

export interface BenchOptions {
  sizeBytes: number;
  seed: string;
  tools: ToolName[];
  /** Parent of the work folder; the benchmark makes its own folder inside it. */
  dir: string | undefined;
  keep: boolean;
  json: boolean;
  dropCaches: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]

Generates a reproducible disk image, then measures initial backup, incremental backup after
rewriting 3 % of it, and full restore with Arca, restic and BorgBackup on the same data.

Options:
  --size SIZE      image size: bytes or K/M/G/T (powers of 1024), e.g. 512M, 2G (default 2G)
  --seed TEXT      seed of the image content and of the rewritten extents (default 1)
  --tools LIST     comma-separated subset of ${TOOL_NAMES.join(',')} (default: all)
  --dir PATH       where to make the work folder (default: the system temp folder); put it on
                   the disk you want measured: image and repositories share it
  --keep           keep the work folder (image, repositories) instead of removing it
  --json           print one JSON object on stdout instead of tables (progress goes to stderr)
  --drop-caches    sync and drop the page cache before every measured run (root only)
  -h, --help       show this help
`;

const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };
const BLOCK = 4096;
const MIN_SIZE = 16 * 2 ** 20;

/** "512M", "2G", "2GiB", "1048576" → bytes, rounded down to whole 4 KiB blocks. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  if (!match) throw new Error(`--size ${text}: expected a number with an optional K, M, G or T suffix, e.g. 512M or 2G`);
  const bytes = Math.floor((Number(match[1]) * (UNITS[(match[2] ?? '').toUpperCase()] ?? 1)) / BLOCK) * BLOCK;
  if (bytes < MIN_SIZE) throw new Error(`--size ${text}: the image must be at least 16M`);
  return bytes;
}

export function parseTools(text: string): ToolName[] {
  const names = text.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  const unknown = names.filter((n) => !(TOOL_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`--tools: unknown ${unknown.join(', ')}; choose from ${TOOL_NAMES.join(', ')}`);
  if (names.length === 0) throw new Error('--tools: name at least one tool');
  return [...new Set(names as ToolName[])];
}

/** The parsed options, or 'help' when the user asked for the usage text. */
export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      size: { type: 'string', default: '2G' },
      seed: { type: 'string', default: '1' },
      tools: { type: 'string', default: TOOL_NAMES.join(',') },
      dir: { type: 'string' },
      keep: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'drop-caches': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  return {
    sizeBytes: parseSize(values.size),
    seed: values.seed,
    tools: parseTools(values.tools),
    dir: values.dir,
    keep: values.keep,
    json: values.json,
    dropCaches: values['drop-caches'],
  };
}
