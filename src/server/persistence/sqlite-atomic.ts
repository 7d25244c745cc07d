import type { DatabaseSync } from 'node:sqlite';

let savepoints = 0;

/**
 * Runs fn all or nothing. Outside a transaction it takes the write lock first (BEGIN IMMEDIATE):
 * a deferred transaction that read and then wants to write fails at once in WAL mode when another
 * connection wrote meanwhile, while an immediate one waits out the busy timeout. Inside a
 * transaction a savepoint undoes just this operation when it fails.
 */
export function atomically<T>(db: DatabaseSync, fn: () => T): T {
  if (db.isTransaction) {
    const name = `op_${++savepoints}`;
    db.exec(`SAVEPOINT ${name}`);
    try {
      const result = fn();
      db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      db.exec(`ROLLBACK TO ${name}`);
      db.exec(`RELEASE ${name}`);
      throw error;
    }
  }
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/** Runs calls one after another, in order, so a transaction's awaits never interleave with other calls. */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
