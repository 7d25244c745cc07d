import type { BlobWriterState } from './blob-writer-state.ts';

/**
 * BlobStore: the one port between the repository and the medium that keeps its bytes (a local
 * folder, memory, later S3 or Azure Blob). Keys are relative, slash-separated names such as
 * `data/3f/3f9a…` made of [a-z0-9._-] segments; a store never interprets them beyond that.
 *
 * Contract every implementation keeps (the conformance suite checks each point):
 * - put is atomic: a reader sees either no object or the whole object, never a part of it, also when
 *   the writer dies halfway. With `ifNotExists` it fails with RepositoryBlobExists when the key is
 *   taken, and exactly one of several racing writers wins.
 * - read-after-write: once put resolves, get, stat and list see the object from any process.
 * - get of a missing key fails with RepositoryBlobNotFound; a range past the end is cut at the end.
 * - list returns every key under a prefix exactly once, in no particular order. A prefix is plain
 *   text and may end mid-segment (`data/3` finds `data/3f/…`); prefixes no key could start with are
 *   refused, as are invalid keys, with UserErrorInvalidArgument.
 * - delete is idempotent: deleting a missing key succeeds.
 * - create starts a writer that streams one object piece by piece (a pack as its chunks are sealed,
 *   an S3 multipart upload, Azure blocks). Nothing is visible under its key until commit resolves;
 *   commit is atomic like put (`ifNotExists` is honoured at commit, and exactly one of several
 *   racing writers and puts wins). Before commit, abort(), a failed write or a crash leaves no
 *   object and nothing a listing shows; a failure or crash during commit leaves no object or the
 *   whole one, as for put. A failed write aborts the writer: the caller restarts the object.
 * - A writer takes one call at a time: a write or commit made while another is under way, a write
 *   after commit or abort, and a commit after abort are refused with UserErrorInvalidArgument.
 * - Errors are ArcaErrors. RepositoryStoreUnavailable is transient (retrying can help); every other
 *   code (not found, exists, full, permission denied, corrupt) is permanent and is not retried.
 * - Every call honours an AbortSignal when one is given. A writer honours the signal given to
 *   create: when it aborts, the writer is aborted and a pending call rejects with its reason.
 */
export interface BlobStore {
  /** Where the store lives, for messages: a path or a URL without credentials. */
  readonly location: string;
  put(key: string, data: Uint8Array, options?: PutOptions): Promise<void>;
  /** The object's bytes (or the range asked for) in a buffer of their own, which the caller owns. */
  get(key: string, options?: GetOptions): Promise<Uint8Array>;
  stat(key: string, options?: CallOptions): Promise<BlobInfo | undefined>;
  list(prefix: string, options?: CallOptions): AsyncIterable<BlobInfo>;
  delete(key: string, options?: CallOptions): Promise<void>;
  /**
   * Starts writing an object piece by piece. Nothing is visible under `key` until commit()
   * resolves; commit is atomic like put (ifNotExists honoured at commit, exactly one racing writer
   * wins); abort(), a failed write, or a crash at any moment before commit leaves no object and no
   * visible trace.
   */
  create(key: string, options?: PutOptions): Promise<BlobWriter>;
}

/** One object being written; made by BlobStore.create. */
export interface BlobWriter {
  readonly key: string;
  /** Appends bytes; the caller may reuse `data` once the promise resolves. */
  write(data: Uint8Array): Promise<void>;
  /** Bytes appended by the writes that resolved. */
  readonly bytesWritten: number;
  /**
   * Where the writer is: after a failed commit, `committing` says commit may be called again and
   * `aborted` that the bytes are gone and the object must be written anew.
   */
  readonly state: BlobWriterState;
  /**
   * Places the object under its key, durably once it resolves (LocalFs: flush the file, link or
   * rename it into place, flush the folder). Calling it again after it resolved does nothing.
   */
  commit(): Promise<void>;
  /** Throws the bytes away. Idempotent; after commit it does nothing. */
  abort(): Promise<void>;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface PutOptions extends CallOptions {
  readonly ifNotExists?: boolean;
}

export interface GetOptions extends CallOptions {
  readonly range?: { readonly offset: number; readonly length: number };
}

export interface BlobInfo {
  readonly key: string;
  readonly size: number;
  /** When the object was last written, where the medium knows it. */
  readonly modified?: Date;
}

const KEY = /^[a-z0-9._-]+(?:\/[a-z0-9._-]+)*$/;

/** True for keys the contract allows; `..` and `.` segments are refused so keys never climb out. */
export function isValidKey(key: string): boolean {
  return key.length <= 512 && KEY.test(key) && !key.split('/').some((s) => s === '.' || s === '..');
}

const PREFIX = /^(?:[a-z0-9._-]+\/)*[a-z0-9._-]*$/;

/**
 * True for list prefixes: '' or the start of some valid key. Whole segments (those followed by a
 * slash) follow the key rules; the last, partial one may be anything a segment can start with.
 */
export function isValidPrefix(prefix: string): boolean {
  if (prefix.length > 512 || !PREFIX.test(prefix)) return false;
  return !prefix.split('/').slice(0, -1).some((s) => s === '.' || s === '..');
}
