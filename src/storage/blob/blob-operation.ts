/**
 * The calls of the BlobStore port, as data: wrappers count, limit and fault them by name. `create`,
 * `write` and `commit` are the steps of a BlobWriter (abort is not counted and never fails).
 */
export const BLOB_OPERATIONS = ['put', 'get', 'stat', 'list', 'delete', 'create', 'write', 'commit'] as const;
export type BlobOperation = (typeof BLOB_OPERATIONS)[number];

/** The verb each call reads as in error messages ("failed to {operation} {key}"). */
export const OPERATION_VERBS: Readonly<Record<BlobOperation, string>> = {
  put: 'write',
  get: 'read',
  stat: 'inspect',
  list: 'list',
  delete: 'delete',
  create: 'start writing',
  write: 'write',
  commit: 'commit',
};

/** What a list call names in messages in place of a key: the prefix, marked as one. */
export function listTarget(prefix: string): string {
  return `${prefix}*`;
}
