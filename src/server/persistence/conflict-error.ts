/**
 * A write lost a race: the record's version is not the expected one, the record or job already
 * exists, or a job's lease is no longer the caller's. The store cannot tell which catalog code fits
 * (a concurrent backup, an edited policy…), so the layer that called it maps this error to one.
 * Retrying the same write cannot help; reading again and deciding anew can.
 */
export class ConflictError extends Error {
  readonly collection: string;
  readonly id: string;
  /** The version the caller expected, when it gave one. */
  readonly expectedVersion: number | undefined;
  /** The version found, 0 for none; undefined for job leases. */
  readonly actualVersion: number | undefined;

  constructor(details: { collection: string; id: string; expectedVersion?: number; actualVersion?: number; reason: string }) {
    super(`conflict on ${details.collection}/${details.id}: ${details.reason}`);
    this.name = 'ConflictError';
    this.collection = details.collection;
    this.id = details.id;
    this.expectedVersion = details.expectedVersion;
    this.actualVersion = details.actualVersion;
  }
}

export function isConflictError(value: unknown): value is ConflictError {
  return value instanceof ConflictError;
}
