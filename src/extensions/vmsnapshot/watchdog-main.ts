import { execFileSync } from 'node:child_process';

/**
 * The freeze watchdog, a separate small process in its own session (see freezer.ts):
 *
 *   node watchdog-main.ts <timeout-ms> <mount>...
 *
 * It says `ready` on stdout, then thaws every mount, says `thawed` and exits when the timeout
 * passes or when its stdin closes before the extension wrote `ok` — the extension died or was
 * killed with the file systems frozen. On `ok` it exits without touching anything.
 */
const [timeoutText, ...mounts] = process.argv.slice(2);
const timeoutMs = Number(timeoutText);

function thawAll(why: string): void {
  for (const mount of mounts.toReversed()) {
    try {
      execFileSync('fsfreeze', ['-u', mount], { stdio: 'ignore', timeout: 10_000 });
    } catch {
      // not frozen (already thawed by the extension) or gone
    }
  }
  try {
    process.stdout.write(`thawed ${why}\n`);
  } catch {
    // nobody listens any more
  }
  process.exit(0);
}

if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || mounts.length === 0) {
  process.stderr.write('usage: watchdog-main.ts <timeout-ms> <mount>...\n');
  process.exit(2);
}

let released = false;
const timer = setTimeout(() => thawAll('timeout'), timeoutMs);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  if (chunk.includes('ok')) {
    released = true;
    clearTimeout(timer);
    process.exit(0);
  }
});
process.stdin.on('end', () => {
  if (!released) thawAll('extension-gone');
});
process.stdin.on('error', () => {
  if (!released) thawAll('extension-gone');
});
process.stdout.write('ready\n');
