import type { DatabaseSync } from 'node:sqlite';

/** One schema step. Steps are applied in version order, each once, never edited once released. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

/**
 * The schema, as ordered steps. SQL stays portable to PostgreSQL: TEXT, INTEGER and BIGINT columns,
 * composite primary keys, plain indexes; times are epoch milliseconds in BIGINT columns.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'records-and-jobs',
    statements: [
      `CREATE TABLE records (
        collection TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
        data TEXT NOT NULL, index_values TEXT NOT NULL, PRIMARY KEY (collection, id))`,
      `CREATE TABLE record_index (
        collection TEXT NOT NULL, id TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (collection, id, field))`,
      'CREATE INDEX record_index_by_value ON record_index (collection, field, value, id)',
      `CREATE TABLE jobs (
        id TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL,
        ready_at BIGINT NOT NULL, seq BIGINT NOT NULL, lease_owner TEXT, lease_expires_at BIGINT,
        attempts INTEGER NOT NULL)`,
      'CREATE INDEX jobs_by_readiness ON jobs (ready_at, seq)',
    ],
  },
];

/** The database was written by newer code: running older code on it could lose data. */
export class SchemaTooNewError extends Error {
  readonly found: number;
  readonly supported: number;

  constructor(location: string, found: number, supported: number) {
    super(`the metadata database ${location} has schema version ${found}, newer than ${supported} which this Arca knows; run the newer Arca or restore a backup of the database`);
    this.name = 'SchemaTooNewError';
    this.found = found;
    this.supported = supported;
  }
}

/**
 * Brings the schema up to date in one write transaction, so two servers opening one file at once
 * apply each step once, and a failing step leaves the schema as it was. Returns the version reached.
 */
export function migrate(db: DatabaseSync, location: string, migrations: readonly Migration[] = MIGRATIONS): number {
  const latest = migrations.at(-1)?.version ?? 0;
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec('CREATE TABLE IF NOT EXISTS migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL)');
    const row = db.prepare('SELECT MAX(version) AS current FROM migrations').get() as { current: number | null } | undefined;
    const current = Number(row?.current ?? 0);
    if (current > latest) throw new SchemaTooNewError(location, current, latest);
    const record = db.prepare('INSERT INTO migrations (version, name) VALUES (?, ?)');
    for (const step of migrations) {
      if (step.version <= current) continue;
      for (const statement of step.statements) db.exec(statement);
      record.run(step.version, step.name);
    }
    db.exec('COMMIT');
    return Math.max(current, latest);
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
