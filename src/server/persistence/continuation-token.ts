import { createHash } from 'node:crypto';
import { invalidArgument } from '../../core/errors/index.ts';
import type { CheckedQuery } from './input-checks.ts';

/** Where a page ended: the last record's order value and id. The next page starts after it. */
export interface Position {
  readonly orderValue: string;
  readonly id: string;
}

/**
 * The token is opaque to callers but not secret: base64url JSON of the position and a fingerprint of
 * the query, so a token passed with another query (another filter, order or collection) is refused.
 */
export function encodeContinuation(collection: string, query: CheckedQuery, position: Position): string {
  const body = { q: fingerprint(collection, query), v: position.orderValue, i: position.id };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

export function decodeContinuation(collection: string, query: CheckedQuery): Position | undefined {
  const token = query.continuation;
  if (token === undefined) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidArgument('continuation', 'is not a token this store issued');
  }
  if (!isBody(body)) throw invalidArgument('continuation', 'is not a token this store issued');
  if (body.q !== fingerprint(collection, query)) throw invalidArgument('continuation', 'was issued for another query');
  return { orderValue: body.v, id: body.i };
}

function isBody(value: unknown): value is { q: string; v: string; i: string } {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body.q === 'string' && typeof body.v === 'string' && typeof body.i === 'string';
}

function fingerprint(collection: string, query: CheckedQuery): string {
  const text = JSON.stringify([collection, query.where.map((f) => [f.field, f.op, f.value]), query.orderField ?? null, query.direction]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}
