import { open, type FileHandle } from 'node:fs/promises';
import { ArcaError } from '../../core/errors/index.ts';

/** A failure to write `path`, with the catalog's code; an ArcaError passes through as it is. */
export function unwritable(path: string, error: unknown): ArcaError {
  return error instanceof ArcaError ? error : new ArcaError('RestoreTargetUnwritable', { path, reason: (error as Error).message }, { cause: error });
}

/**
 * The file a restore writes: created at its full size, so that every range nobody writes is a hole,
 * and flushed to the device at the end. The chunks themselves are written by the worker threads,
 * each through its own handles (see sparse-writer.ts); an fsync through this handle flushes them all.
 */
export class ImageTarget {
  readonly path: string;
  readonly #handle: FileHandle;

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.#handle = handle;
  }

  /** Creates (or with `force` replaces) the file at `path`, sized to `size`. */
  static async create(path: string, size: number, force: boolean): Promise<ImageTarget> {
    let handle: FileHandle;
    try {
      handle = await open(path, force ? 'w' : 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ArcaError('RestoreTargetExists', { path }, { cause: error });
      throw new ArcaError('ImageFileUnreadable', { path, reason: (error as Error).message }, { cause: error });
    }
    try {
      await handle.truncate(size);
    } catch (error) {
      await handle.close();
      throw unwritable(path, error);
    }
    return new ImageTarget(path, handle);
  }

  /** Flushes everything written to the file, by any handle, to the device when `sync`; then closes. */
  async close(sync: boolean): Promise<void> {
    try {
      if (sync) await this.#handle.sync();
    } catch (error) {
      throw unwritable(this.path, error);
    } finally {
      await this.#handle.close().catch(() => undefined);
    }
  }
}
