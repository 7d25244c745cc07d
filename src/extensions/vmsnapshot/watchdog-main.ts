import { execFileSync } from 'node:child_process';

/**
 * The freeze watchdog, a separate small process in its own session (see freezer.ts):
 *
 *   node watchdog-main.ts <timeout-ms> [<mount>...] [--resume <dm-name>...]
 *
 * It says `ready` on stdout, then undoes the frozen window, says `thawed` and exits when the
 * timeout passes or when its stdin closes before the extension wrote `ok` — the extension died or
 * was killed with the file systems frozen. On `ok` it exits without touching anything.
 *
 * Undoing means first resuming the device-mapper devices a snapshot may have left suspended (a
 * suspended device holds all I/O, and a thaw of a file system on it may block too), then thawing
 * the mounts, last frozen first. Every step is tried whatever the one before did.
 */
interface Work {
  readonly timeoutMs: number;
  readonly mounts: readonly string[];
  readonly resume: readonly string[];
}

const USAGE = 'usage: watchdog-main.ts <timeout-ms> [<mount>...] [--resume <dm-name>...] (at least one mount or name)\n';
// A dm name as the kernel takes it (under 128 bytes, no slash), never mistaken for an option.
const DM_NAME = /^(?!-)[^/\p{Cc}]{1,127}$/u;

function parse(args: readonly string[]): Work | undefined {
  const [timeoutText = '', ...rest] = args;
  const timeoutMs = Number(timeoutText);
  if (!/^\d+$/.test(timeoutText) || !Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) return undefined;
  const flag = rest.indexOf('--resume');
  const mounts = flag === -1 ? rest : rest.slice(0, flag);
  const resume = flag === -1 ? [] : rest.slice(flag + 1);
  if (flag !== -1 && resume.length === 0) return undefined;
  if (!mounts.every((m) => m.startsWith('/')) || !resume.every((n) => DM_NAME.test(n))) return undefined;
  if (mounts.length + resume.length === 0) return undefined;
  return { timeoutMs, mounts, resume };
}

function attempt(command: string, args: readonly string[]): void {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 });
  } catch {
    // not suspended / not frozen (the extension already undid it), gone, or stuck past the timeout
  }
}

function undoAll(work: Work, why: string): void {
  for (const name of work.resume) attempt('dmsetup', ['resume', name]);
  for (const mount of work.mounts.toReversed()) attempt('fsfreeze', ['-u', mount]);
  try {
    process.stdout.write(`thawed ${why}\n`);
  } catch {
    // nobody listens any more
  }
  process.exit(0);
}

const work = parse(process.argv.slice(2));
if (!work) {
  process.stderr.write(USAGE);
  process.exit(2);
}

let released = false;
const timer = setTimeout(() => undoAll(work, 'timeout'), work.timeoutMs);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  if (chunk.includes('ok')) {
    released = true;
    clearTimeout(timer);
    process.exit(0);
  }
});
process.stdin.on('end', () => {
  if (!released) undoAll(work, 'extension-gone');
});
process.stdin.on('error', () => {
  if (!released) undoAll(work, 'extension-gone');
});
process.stdout.write('ready\n');
