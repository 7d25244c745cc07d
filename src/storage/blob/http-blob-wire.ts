/**
 * The HTTP shape of a BlobStore, shared by HttpBlobStore (the client) and the vault's upload
 * channel (the server), relative to one base URL:
 *
 * - `PUT    {base}/blobs/{key}` streams the body into the object; `If-None-Match: *` asks for
 *   ifNotExists. The object appears only when the whole body has arrived (a cut body stores nothing).
 * - `GET    {base}/blobs/{key}?offset=&length=` the object's bytes, or a range cut at the end.
 * - `DELETE {base}/blobs/{key}` idempotent.
 * - `GET    {base}/stat/{key}` `WireBlobInfo`, or 404 RepositoryBlobNotFound.
 * - `GET    {base}/list?prefix=` `{ items: WireBlobInfo[] }`.
 *
 * Errors come in ARM's envelope; the error's parameters ride in `additionalInfo` as
 * `ArcaErrorParams`, so the client raises the same ArcaError the server met.
 */
export const HTTP_BLOB_PATHS = {
  blob: (key: string): string => `/blobs/${key}`,
  stat: (key: string): string => `/stat/${key}`,
  list: '/list',
} as const;

export const BLOB_CONTENT_TYPE = 'application/octet-stream';

/** The additionalInfo type that carries an error's parameters. */
export const ERROR_PARAMS_INFO = 'ArcaErrorParams';

export interface WireBlobInfo {
  readonly key: string;
  readonly size: number;
  /** ISO 8601, where the medium knows it. */
  readonly modified?: string;
}

export interface WireBlobList {
  readonly items: readonly WireBlobInfo[];
}
