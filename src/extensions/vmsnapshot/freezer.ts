import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ArcaError } from '../../core/errors/index.ts';
import type { Mount } from './mountinfo.ts';

const run = promisify(execFile);

/** Mounts held frozen; `thaw` must be called in a `finally`. */
export interface FrozenMounts {
  readonly mounts: readonly Mount[];
  /** True once the watchdog thawed on its own: whatever was read after that is not consistent. */
  thawedByWatchdog(): boolean;
  /** Thaws every mount, last frozen first; true when all thawed (otherwise the watchdog will). */
  thaw(): Promise<boolean>;
}

export interface FreezeOptions {
  readonly timeoutMs: number;
  readonly vmName: string;
  /**
   * Device-mapper devices the snapshots suspend inside the frozen window. Should the extension die
   * or hang there, the watchdog resumes them before it thaws: a suspended device holds all I/O,
   * and a thaw of a file system on it may block as well.
   */
  readonly devicesToResume?: readonly string[];
}

/** Freezes file systems (FIFREEZE) for the few milliseconds the disk snapshots take. */
export interface Freezer {
  freeze(mounts: readonly Mount[], options: FreezeOptions): Promise<FrozenMounts>;
}

const WATCHDOG = fileURLToPath(new URL('./watchdog-main.ts', import.meta.url));

interface Watchdog {
  readonly child: ChildProcess;
  fired: boolean;
  /** All is well: the watchdog exits without thawing. */
  release(): void;
  /** Stop holding this process open, but keep the watchdog armed: it thaws when we exit. */
  abandon(): void;
}

/**
 * Starts the watchdog before anything is frozen: a detached process (its own session, so that
 * killing the extension's process group spares it) that resumes the devices and thaws the mounts
 * after `timeoutMs`, or at once when the extension dies, unless the extension releases it first.
 */
async function startWatchdog(mountPoints: readonly string[], devicesToResume: readonly string[], timeoutMs: number): Promise<Watchdog> {
  const resume = devicesToResume.length > 0 ? ['--resume', ...devicesToResume] : [];
  const child = spawn(process.execPath, [WATCHDOG, String(timeoutMs), ...mountPoints, ...resume], { detached: true, stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const watchdog: Watchdog = {
    child,
    fired: false,
    release: () => {
      child.stdin?.end('ok\n');
      lines.close();
      child.stdout?.destroy();
      child.unref();
    },
    abandon: () => {
      lines.close();
      child.stdout?.destroy();
      (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
      child.unref();
    },
  };
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the freeze watchdog exited (${code}) before it was ready`)));
    lines.on('line', (line) => {
      if (line === 'ready') resolve();
      if (line.startsWith('thawed')) watchdog.fired = true;
    });
  });
  child.removeAllListeners('exit');
  return watchdog;
}

async function thawList(mounts: readonly Mount[]): Promise<boolean> {
  let all = true;
  for (const mount of mounts.toReversed()) {
    try {
      await run('fsfreeze', ['-u', mount.mountPoint], { timeout: 10_000 });
    } catch {
      all = false;
    }
  }
  return all;
}

/** The real freezer: `fsfreeze -f` on each mount in order, `fsfreeze -u` in reverse. */
export class FsFreezeFreezer implements Freezer {
  async freeze(mounts: readonly Mount[], options: FreezeOptions): Promise<FrozenMounts> {
    const devicesToResume = [...new Set(options.devicesToResume ?? [])];
    // With devices to resume the watchdog guards the window even when no mount is frozen.
    if (mounts.length === 0 && devicesToResume.length === 0) return { mounts: [], thawedByWatchdog: () => false, thaw: async () => true };
    const watchdog = await startWatchdog(mounts.map((m) => m.mountPoint), devicesToResume, options.timeoutMs);
    const frozen: Mount[] = [];
    for (const mount of mounts) {
      try {
        await run('fsfreeze', ['-f', mount.mountPoint], { timeout: options.timeoutMs });
        frozen.push(mount);
      } catch (cause) {
        if (await thawList(frozen)) watchdog.release();
        else watchdog.abandon();
        throw new ArcaError('UserErrorFsFreezeFailed', { vmName: options.vmName, mountPoint: mount.mountPoint }, { cause });
      }
    }
    return {
      mounts: frozen,
      thawedByWatchdog: () => watchdog.fired,
      thaw: async () => {
        const thawed = await thawList(frozen);
        // Released only when every mount is thawed: otherwise the watchdog retries when we exit.
        if (thawed) watchdog.release();
        else watchdog.abandon();
        return thawed;
      },
    };
  }
}
