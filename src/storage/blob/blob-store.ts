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
 * - Errors are ArcaErrors. RepositoryStoreUnavailable is transient (retrying can help); every other
 *   code (not found, exists, full, permission denied, corrupt) is permanent and is not retried.
 * - Every call honours an AbortSignal when one is given.
 */
export interface BlobStore {
  /** Where the store lives, for messages: a path or a URL without credentials. */
  readonly location: string;
  put(key: string, data: Uint8Array, options?: PutOptions): Promise<void>;
  get(key: string, options?: GetOptions): Promise<Uint8Array>;
  stat(key: string, options?: CallOptions): Promise<BlobInfo | undefined>;
  list(prefix: string, options?: CallOptions): AsyncIterable<BlobInfo>;
  delete(key: string, options?: CallOptions): Promise<void>;
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
