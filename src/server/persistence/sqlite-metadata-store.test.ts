import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import type { MetadataStore } from './metadata-store.ts';
import { describeMetadataStoreConformance, type MetadataStoreFixture } from './metadata-store-conformance.ts';
import { SqliteMetadataStore } from './sqlite-metadata-store.ts';
import { MIGRATIONS, SchemaTooNewError, type Migration } from './sqlite-migrations.ts';

async function fileFixture(): Promise<MetadataStoreFixture> {
  const folder = await mkdtemp(join(tmpdir(), 'arca-metadata-'));
  const path = join(folder, 'metadata.db');
  const open: MetadataStore[] = [SqliteMetadataStore.open(path)];
  let current = open[0] as MetadataStore;
  return {
    get store() {
      return open[0] as MetadataStore;
    },
    async openAnother() {
      const another = SqliteMetadataStore.open(path);
      open.push(another);
      return another;
    },
    async reopen() {
      await current.close();
      current = SqliteMetadataStore.open(path);
      open.push(current);
      return current;
    },
    async cleanup() {
      for (const store of open) await store.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

describeMetadataStoreConformance('SqliteMetadataStore in a file', fileFixture, { durable: true });

describeMetadataStoreConformance(
  'SqliteMetadataStore in :memory:',
  async () => {
    const store = SqliteMetadataStore.open(':memory:');
    return { store, cleanup: () => store.close() };
  },
  { durable: false },
);

async function withFile(body: (path: string) => Promise<void>): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'arca-metadata-'));
  try {
    await body(join(folder, 'metadata.db'));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

const appliedVersions = (path: string): number[] => {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare('SELECT version FROM migrations ORDER BY version').all().map((row) => Number(row.version));
  } finally {
    db.close();
  }
};

describe('SqliteMetadataStore schema', () => {
  it('applies each migration once, in order, and nothing on reopen', async () => {
    await withFile(async (path) => {
      await SqliteMetadataStore.open(path).close();
      await SqliteMetadataStore.open(path).close();
      assert.deepEqual(appliedVersions(path), MIGRATIONS.map((m) => m.version));
    });
  });

  it('applies only the steps a database lacks, and a failing step leaves the schema as it was', async () => {
    await withFile(async (path) => {
      await SqliteMetadataStore.open(path).close();
      const next: Migration = { version: MIGRATIONS.length + 1, name: 'notes', statements: ['CREATE TABLE notes (id TEXT NOT NULL PRIMARY KEY)'] };
      const broken: Migration = { version: MIGRATIONS.length + 2, name: 'broken', statements: ['CREATE TABLE more (id TEXT)', 'NOT SQL'] };
      assert.throws(() => SqliteMetadataStore.open(path, { migrations: [...MIGRATIONS, next, broken] }), /syntax error/);
      assert.deepEqual(appliedVersions(path), MIGRATIONS.map((m) => m.version));
      const store = SqliteMetadataStore.open(path, { migrations: [...MIGRATIONS, next] });
      assert.equal(store.schemaVersion, next.version);
      await store.close();
      assert.deepEqual(appliedVersions(path), [...MIGRATIONS.map((m) => m.version), next.version]);
    });
  });

  it('refuses a database whose schema is newer than this code, saying both versions', async () => {
    await withFile(async (path) => {
      await SqliteMetadataStore.open(path).close();
      const db = new DatabaseSync(path);
      db.prepare('INSERT INTO migrations (version, name) VALUES (?, ?)').run(99, 'from-the-future');
      db.close();
      assert.throws(
        () => SqliteMetadataStore.open(path),
        (error: unknown) => error instanceof SchemaTooNewError && error.found === 99 && error.supported === MIGRATIONS.length && /newer/.test(error.message),
      );
    });
  });

  it('runs a file in WAL mode', async () => {
    await withFile(async (path) => {
      await SqliteMetadataStore.open(path).close();
      const db = new DatabaseSync(path, { readOnly: true });
      assert.equal((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
      db.close();
    });
  });
});
