import { invalidArgument } from '../../core/errors/index.ts';
import { MAX_LIST_LIMIT, type Page, type StoredRecord } from '../persistence/index.ts';
import type { ArmRequest } from './arm-route.ts';

/** ARM list body: `value`, and `nextLink` (absolute, query included) while more may follow. */
export interface ArmList<T> {
  readonly value: T[];
  readonly nextLink?: string;
}

/** A query parameter by name without regard to case: clients send `$skipToken`, `$skiptoken` and `$SkipToken`. */
export function queryParam(request: ArmRequest<unknown>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.query)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** The store query's paging for a list call: `$top` caps a page (≤ 1000), `$skiptoken` continues. */
export function pagingOf(request: ArmRequest<unknown>): { limit?: number; continuation?: string } {
  const top = queryParam(request, '$top');
  let limit: number | undefined;
  if (top !== undefined) {
    limit = Number(top);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) throw invalidArgument('$top', `expected a whole number from 1 to ${MAX_LIST_LIMIT}`);
  }
  const skip = queryParam(request, '$skiptoken');
  return { ...(limit === undefined ? {} : { limit }), ...(skip ? { continuation: skip } : {}) };
}

/** Renders a page; nextLink repeats the request's own query with the new `$skiptoken`. */
export function listBody<T, R>(request: ArmRequest<unknown>, page: Page<T>, render: (record: StoredRecord<T>) => R): ArmList<R> {
  const value = page.records.map(render);
  if (page.continuation === undefined) return { value };
  // Written by hand: URLSearchParams would escape the `$` ARM clients expect to see in `$skiptoken`.
  const parts = Object.entries(request.query)
    .filter(([name, v]) => v !== undefined && name.toLowerCase() !== '$skiptoken')
    .map(([name, v]) => `${encodeURIComponent(name).replace(/^%24/, '$')}=${encodeURIComponent(v as string)}`);
  parts.push(`$skiptoken=${encodeURIComponent(page.continuation)}`);
  return { value, nextLink: `${request.origin}${request.path}?${parts.join('&')}` };
}
