import { open, readdir, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ArcaError, invalidArgument } from '../../core/errors/index.ts';
import { clampRange, requireValidKey, requireValidPrefix, requireValidRange } from './argument-checks.ts';
import { listTarget, type BlobOperation } from './blob-operation.ts';
import type { BlobInfo, BlobStore, BlobWriter, CallOptions, GetOptions, PutOptions } from './blob-store.ts';
import { DIRECT_READ_MIN, readDirect } from './direct-read.ts';
import { walkKeys } from './directory-walk.ts';
import { IO_CHUNK_BYTES, syncFolder, writeTemporaryFile } from './durable-file.ts';
import { placeFile, placementError } from './file-placement.ts';
import { errnoOf, fsErrorToArca, MISSING } from './fs-error.ts';
import { openLocalFsWriter } from './local-fs-blob-writer.ts';

/**
 * The folder under the root where puts write before they commit. `~` is outside the key alphabet,
 * so no key can name it, list never shows it, and no put or delete can reach into it.
 */
export const TEMPORARY_FOLDER = '.tmp~';

/**
 * Keeps each blob as a file under `root`, at the path its key spells. A put writes a temporary
 * file, flushes it, and renames it into place (or links it, for ifNotExists, which fails when the
 * name is taken), then flushes the folder: readers see nothing or everything, also after a crash.
 * A writer does the same in steps: its temporary file grows with each write, and commit flushes
 * and places it (see local-fs-blob-writer.ts). With `directIo`, writers stage their bytes in 1 MiB
 * aligned blocks written past the page cache, so the file grows in steps of 1 MiB, and reads of
 * 1 MiB or more go past the page cache too (see direct-read.ts).
 */
export class LocalFsBlobStore implements BlobStore {
  readonly location: string;
  readonly #temporary: string;
  readonly #directIo: boolean;

  constructor(root: string, options: { directIo?: boolean } = {}) {
    this.location = resolve(root);
    this.#temporary = join(this.location, TEMPORARY_FOLDER);
    this.#directIo = options.directIo === true;
  }

  async put(key: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    requireValidKey(key);
    const { signal } = options;
    signal?.throwIfAborted();
    const target = this.#pathOf(key);
    const ifNotExists = options.ifNotExists === true;
    let temporary: string | undefined;
    let placing = false;
    try {
      temporary = await writeTemporaryFile(this.#temporary, data, signal);
      signal?.throwIfAborted();
      placing = true;
      await placeFile(temporary, target, ifNotExists);
      placing = false;
      temporary = undefined;
      await syncFolder(dirname(target));
    } catch (error) {
      if (temporary !== undefined) await rm(temporary, { force: true }).catch(() => undefined);
      if (signal?.aborted) throw signal.reason;
      throw (placing ? placementError(error, key, ifNotExists) : undefined) ?? this.#failure(error, 'put', key);
    }
  }

  /**
   * Starts a writer whose bytes go to a temporary file as they come; commit flushes it and places
   * it as put does, with the same errors. A killed writer leaves only the temporary file.
   */
  async create(key: string, options: PutOptions = {}): Promise<BlobWriter> {
    requireValidKey(key);
    options.signal?.throwIfAborted();
    return openLocalFsWriter({ key, target: this.#pathOf(key), temporaryFolder: this.#temporary, location: this.location }, options, this.#directIo);
  }

  async get(key: string, options: GetOptions = {}): Promise<Uint8Array> {
    requireValidKey(key);
    requireValidRange(options.range);
    const { signal } = options;
    signal?.throwIfAborted();
    let handle;
    try {
      handle = await open(this.#pathOf(key), 'r');
    } catch (error) {
      if (MISSING.has(errnoOf(error) ?? '')) throw new ArcaError('RepositoryBlobNotFound', { key }, { cause: error });
      throw this.#failure(error, 'get', key);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new ArcaError('RepositoryBlobNotFound', { key });
      const { start, end } = clampRange(options.range, info.size);
      // Not zeroed first: every byte returned is read from the file.
      const out = new Uint8Array(Buffer.allocUnsafeSlow(end - start).buffer, 0, end - start);
      if (this.#directIo && out.length >= DIRECT_READ_MIN) {
        const read = await readDirect(this.#pathOf(key), out, start, signal);
        if (read !== undefined) return read === out.length ? out : out.slice(0, read);
      }
      let filled = 0;
      while (filled < out.length) {
        signal?.throwIfAborted();
        const length = Math.min(IO_CHUNK_BYTES, out.length - filled);
        const { bytesRead } = await handle.read(out, filled, length, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === out.length ? out : out.slice(0, filled);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw this.#failure(error, 'get', key);
    } finally {
      await handle.close();
    }
  }

  async stat(key: string, options: CallOptions = {}): Promise<BlobInfo | undefined> {
    requireValidKey(key);
    options.signal?.throwIfAborted();
    try {
      const info = await stat(this.#pathOf(key));
      return info.isFile() ? { key, size: info.size, modified: info.mtime } : undefined;
    } catch (error) {
      if (MISSING.has(errnoOf(error) ?? '')) return undefined;
      throw this.#failure(error, 'stat', key);
    }
  }

  async *list(prefix: string, options: CallOptions = {}): AsyncGenerator<BlobInfo> {
    requireValidPrefix(prefix);
    const { signal } = options;
    signal?.throwIfAborted();
    try {
      for await (const key of walkKeys(this.location, prefix, signal)) {
        const info = await stat(this.#pathOf(key)).catch((error: unknown) => {
          if (MISSING.has(errnoOf(error) ?? '')) return undefined; // deleted while we listed
          throw error;
        });
        if (info?.isFile()) yield { key, size: info.size, modified: info.mtime };
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw this.#failure(error, 'list', listTarget(prefix));
    }
  }

  async delete(key: string, options: CallOptions = {}): Promise<void> {
    requireValidKey(key);
    options.signal?.throwIfAborted();
    try {
      await unlink(this.#pathOf(key));
    } catch (error) {
      if (MISSING.has(errnoOf(error) ?? '')) return;
      throw this.#failure(error, 'delete', key);
    }
  }

  /**
   * Removes temporary files last written before `olderThan`: the remains of puts and writers that
   * were killed or never finished. A writer's file is rewritten at each write, so pass a time well
   * before the oldest put still running and the last write of the slowest writer still open.
   * Returns how many it removed.
   */
  async cleanTemporary(olderThan: Date): Promise<number> {
    if (Number.isNaN(olderThan.getTime())) throw invalidArgument('olderThan', 'is not a valid date');
    let names: string[];
    try {
      names = await readdir(this.#temporary);
    } catch (error) {
      if (MISSING.has(errnoOf(error) ?? '')) return 0;
      throw this.#failure(error, 'list', TEMPORARY_FOLDER);
    }
    let removed = 0;
    for (const name of names) {
      const path = join(this.#temporary, name);
      try {
        const info = await stat(path);
        if (info.mtime >= olderThan) continue;
        await rm(path, { force: true, recursive: true });
        removed += 1;
      } catch (error) {
        if (MISSING.has(errnoOf(error) ?? '')) continue;
        throw this.#failure(error, 'delete', `${TEMPORARY_FOLDER}/${name}`);
      }
    }
    return removed;
  }

  #pathOf(key: string): string {
    return join(this.location, ...key.split('/'));
  }

  #failure(error: unknown, operation: BlobOperation, key: string): ArcaError {
    return fsErrorToArca(error, { operation, key, location: this.location });
  }
}
