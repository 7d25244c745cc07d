import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * Runs the tools as real processes and measures them from outside: wall time with
 * performance.now() around the process, peak RSS and CPU time from GNU time (the child's rusage).
 */

export interface ProcessResult {
  seconds: number;
  /** ru_maxrss of the process (and of any children it waited for), or null without GNU time. */
  peakRssMiB: number | null;
  /** User plus system CPU seconds, or null without GNU time. */
  cpuSeconds: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
}

const GNU_TIME = '/usr/bin/time';
const KEEP_OUTPUT = 1 << 20;

export function hasGnuTime(): boolean {
  return existsSync(GNU_TIME);
}

function describe(command: string, args: readonly string[]): string {
  return [command, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

function collect(stream: NodeJS.ReadableStream, into: { text: string }): void {
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    into.text = (into.text + chunk).slice(-KEEP_OUTPUT);
  });
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();
let stopped = false;

/**
 * Stops every process the benchmark started (each runs in a process group of its own, so GNU time
 * and the tool under it stop together) and refuses to start new ones; for Ctrl-C and SIGTERM.
 */
export function stopAll(): void {
  stopped = true;
  for (const child of running) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // the group has already exited
    }
  }
}

function spawnAndWait(command: string, args: readonly string[], options: RunOptions): Promise<Exit> {
  return new Promise((resolve, reject) => {
    if (stopped) {
      reject(new Error(`interrupted before ${describe(command, args)}`));
      return;
    }
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    child.on('close', () => running.delete(child));
    const out = { text: '' };
    const err = { text: '' };
    collect(child.stdout, out);
    collect(child.stderr, err);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: out.text, stderr: err.text }));
  });
}

function failure(command: string, args: readonly string[], exit: Exit): Error {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const tail = exit.stderr.trim().split('\n').slice(-15).join('\n');
  return new Error(`${describe(command, args)} ${how}${tail ? `:\n${tail}` : ''}`);
}

/** Runs a command to completion without measuring it; throws with its stderr when it fails. */
export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<Exit> {
  const exit = await spawnAndWait(command, args, options);
  if (exit.code !== 0) throw failure(command, args, exit);
  return exit;
}

/** Runs a command under GNU time (when present) and returns its wall time, peak RSS and output. */
export async function runMeasured(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  if (!hasGnuTime()) {
    const started = performance.now();
    const exit = await run(command, args, options);
    return { seconds: (performance.now() - started) / 1000, peakRssMiB: null, cpuSeconds: null, stdout: exit.stdout, stderr: exit.stderr };
  }
  const scratch = await mkdtemp(join(tmpdir(), 'arca-bench-time-'));
  const report = join(scratch, 'rusage');
  try {
    const started = performance.now();
    const exit = await spawnAndWait(GNU_TIME, ['-f', '%M %U %S', '-o', report, command, ...args], options);
    const seconds = (performance.now() - started) / 1000;
    if (exit.code !== 0) throw failure(command, args, exit);
    const fields = (await readFile(report, 'utf8')).trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
    const [maxRssKiB, user, system] = fields;
    if (maxRssKiB === undefined || user === undefined || system === undefined || fields.some(Number.isNaN)) {
      throw new Error(`GNU time wrote an unexpected report for ${describe(command, args)}`);
    }
    return { seconds, peakRssMiB: maxRssKiB / 1024, cpuSeconds: user + system, stdout: exit.stdout, stderr: exit.stderr };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export interface FolderSize {
  /** Sum of the files' apparent sizes (st_size), as `du -sb` counts them. */
  apparentBytes: number;
  /** Sum of the blocks the files occupy on disk (st_blocks × 512). */
  allocatedBytes: number;
  files: number;
}

/** Walks a folder (without following links) and adds up its regular files. */
export async function folderSize(path: string): Promise<FolderSize> {
  const size: FolderSize = { apparentBytes: 0, allocatedBytes: 0, files: 0 };
  if (!existsSync(path)) return size;
  const entries = await readdir(path, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const stat = await lstat(join(entry.parentPath, entry.name));
    size.apparentBytes += stat.size;
    size.allocatedBytes += stat.blocks * 512;
    size.files++;
  }
  return size;
}

/** Flushes dirty pages so that one tool's writeback does not slow the next tool's run. */
export async function syncAll(): Promise<void> {
  await run('sync', []);
}

const DROP_CACHES = '/proc/sys/vm/drop_caches';

/** Empties the page cache (root only); throws when the kernel refuses. */
export async function dropCaches(): Promise<void> {
  await syncAll();
  try {
    await writeFile(DROP_CACHES, '3\n');
  } catch (error) {
    throw new Error(`--drop-caches needs to write ${DROP_CACHES} (root, writable /proc/sys): ${(error as Error).message}`, { cause: error });
  }
}
