import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runServer, type ServerOptions } from '../../src/server/main.ts';

/**
 * A test-only entry point: the real server composition (runServer) with a clock the test can move
 * and a quick look at the job queue. The clock is the system's plus an offset the test writes to
 * `<data dir>/test-clock-offset-ms`. `arca server` has no such knob; only this file injects one.
 */
export const CLOCK_OFFSET_FILE = 'test-clock-offset-ms';

const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
const file = join(options.dataDir, CLOCK_OFFSET_FILE);
let offset = 0;
let readAt = 0;

function currentOffset(): number {
  const now = Date.now();
  if (now - readAt < 20) return offset;
  readAt = now;
  try {
    offset = Number(readFileSync(file, 'utf8').trim()) || 0;
  } catch {
    offset = 0;
  }
  return offset;
}

await runServer(options, { clock: { now: () => new Date(Date.now() + currentOffset()) }, jobPollMs: 50 });
