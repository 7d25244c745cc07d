import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { isConflictError } from './conflict-error.ts';
import type { MetadataOperations, MetadataStore, StoredRecord } from './metadata-store.ts';

export interface MetadataStoreFixture {
  readonly store: MetadataStore;
  /** Another connection to the same database, as a second replica would hold; when the medium has one. */
  openAnother?(): Promise<MetadataStore>;
  /** Closes `store` and opens the database again; only for media that outlive a connection. */
  reopen?(): Promise<MetadataStore>;
  cleanup(): Promise<void>;
}

export type FixtureFactory = () => Promise<MetadataStoreFixture>;
export type StoreTest = (title: string, body: (fixture: MetadataStoreFixture) => Promise<void>) => void;

export function storeTest(factory: FixtureFactory): StoreTest {
  return (title, body) =>
    it(title, async () => {
      const fixture = await factory();
      try {
        await body(fixture);
      } finally {
        await fixture.cleanup();
      }
    });
}

/** The second replica when the medium has one, else the same store called concurrently. */
export async function secondStore(fixture: MetadataStoreFixture): Promise<MetadataStore> {
  return fixture.openAnother === undefined ? fixture.store : fixture.openAnother();
}

export async function rejectsWithConflict(promise: Promise<unknown>, actualVersion?: number): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isConflictError(error), `expected ConflictError, got ${String(error)}`);
    if (actualVersion !== undefined) assert.equal(error.actualVersion, actualVersion);
    return true;
  });
}

export async function rejectsAsInvalid(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isArcaError(error), `expected ArcaError, got ${String(error)}`);
    assert.equal(error.code, 'UserErrorInvalidArgument');
    return true;
  });
}

/** Every record of a listing, page by page, with the page sizes seen. */
export async function listAll(store: MetadataOperations, collection: string, query: Parameters<MetadataOperations['list']>[1] = {}): Promise<{ ids: string[]; pages: number[] }> {
  const ids: string[] = [];
  const pages: number[] = [];
  let continuation = query?.continuation;
  do {
    const page = await store.list(collection, { ...query, continuation });
    ids.push(...page.records.map((r) => r.id));
    pages.push(page.records.length);
    continuation = page.continuation;
  } while (continuation !== undefined);
  return { ids, pages };
}

export const idsOf = (records: readonly StoredRecord[]): string[] => records.map((r) => r.id);

/** Code-point order, the order the contract promises for index values and ids. */
export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const at = (iso: string): Date => new Date(iso);
