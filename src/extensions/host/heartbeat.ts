import { readFile } from 'node:fs/promises';
import type { Clock } from '../../core/clock.ts';
import { writeFileAtomic } from '../../platform/files.ts';

/** What a running extension says about itself between status files (waagent's heartbeat.log). */
export interface Heartbeat {
  readonly status: 'ready' | 'busy' | 'notready';
  readonly message: string;
  readonly time: string;
}

export async function writeHeartbeat(path: string, status: Heartbeat['status'], message: string, clock: Clock): Promise<void> {
  const body: Heartbeat = { status, message, time: clock.now().toISOString() };
  await writeFileAtomic(path, `${JSON.stringify(body)}\n`);
}

export async function readHeartbeat(path: string): Promise<Heartbeat | undefined> {
  try {
    const body = JSON.parse(await readFile(path, 'utf8')) as Partial<Heartbeat>;
    if (typeof body.status !== 'string' || typeof body.time !== 'string') return undefined;
    return { status: body.status, message: String(body.message ?? ''), time: body.time };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Stale when older than `maxAgeMs` at `now`: the extension stopped beating. */
export function isHeartbeatStale(heartbeat: Heartbeat | undefined, now: Date, maxAgeMs: number): boolean {
  if (heartbeat === undefined) return true;
  return now.getTime() - Date.parse(heartbeat.time) > maxAgeMs;
}
