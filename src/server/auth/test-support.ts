import assert from 'node:assert/strict';
import { isArcaError, type CatalogCode } from '../../core/errors/index.ts';
import { SqliteMetadataStore, type MetadataStore } from '../persistence/index.ts';

export const T0 = new Date('2025-05-01T00:00:00.000Z');
export const plus = (ms: number): Date => new Date(T0.getTime() + ms);
export const HOUR = 3_600_000;

/** Runs body against a fresh in-memory store, closed afterwards. */
export async function withStore(body: (store: MetadataStore) => Promise<void>): Promise<void> {
  const store = SqliteMetadataStore.open(':memory:');
  try {
    await body(store);
  } finally {
    await store.close();
  }
}

/** Asserts an ArcaError with this code and reason, whose message holds no secret. */
export async function rejectsWith(promise: Promise<unknown>, code: CatalogCode, reason?: string, secret?: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isArcaError(error), `expected ArcaError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (reason !== undefined) assert.equal(error.params.reason, reason);
    if (secret !== undefined) assert.ok(!JSON.stringify([error.message, error.params, error.render('es')]).includes(secret), 'the secret leaks into the error');
    return true;
  });
}
