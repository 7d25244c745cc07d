import type { DatabaseSync } from 'node:sqlite';
import { ConflictError } from './conflict-error.ts';
import { checkId, checkJob, checkLease, checkTime, toJson } from './input-checks.ts';
import type { LeasedJob, NewJob } from './metadata-store.ts';
import { atomically } from './sqlite-atomic.ts';

interface JobRow {
  id: string;
  kind: string;
  payload: string;
  ready_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  attempts: number;
}

const JOBS = 'jobs';

export function enqueueJob(db: DatabaseSync, job: NewJob): void {
  checkJob(job);
  const payload = toJson(job.payload, 'payload');
  atomically(db, () => {
    if (db.prepare('SELECT 1 FROM jobs WHERE id = ?').get(job.id) !== undefined) {
      throw new ConflictError({ collection: JOBS, id: job.id, reason: 'a job with this id is already queued' });
    }
    db.prepare(
      `INSERT INTO jobs (id, kind, payload, ready_at, seq, lease_owner, lease_expires_at, attempts)
       SELECT ?, ?, ?, ?, COALESCE(MAX(seq), 0) + 1, NULL, NULL, 0 FROM jobs`,
    ).run(job.id, job.kind, payload, job.readyAt.getTime());
  });
}

/**
 * Claims the oldest ready job whose lease is free or expired with one UPDATE under the write lock,
 * so no two leasers (connections, processes or replicas) can both see it free. PostgreSQL does the
 * same with `SELECT … FOR UPDATE SKIP LOCKED` in the subquery.
 */
export function leaseJob(db: DatabaseSync, workerId: string, leaseMs: number, now: Date): LeasedJob | undefined {
  checkLease(workerId, leaseMs, now);
  const at = now.getTime();
  const row = atomically(db, () =>
    db
      .prepare(
        `UPDATE jobs SET lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1
         WHERE id = (SELECT id FROM jobs WHERE ready_at <= ? AND (lease_owner IS NULL OR lease_expires_at <= ?)
                     ORDER BY ready_at, seq LIMIT 1)
         RETURNING id, kind, payload, ready_at, lease_owner, lease_expires_at, attempts`,
      )
      .get(workerId, at + leaseMs, at, at),
  );
  return row === undefined ? undefined : toLeasedJob(row as unknown as JobRow);
}

export function renewJob(db: DatabaseSync, jobId: string, workerId: string, leaseMs: number, now: Date): LeasedJob {
  checkId(jobId, 'jobId');
  checkLease(workerId, leaseMs, now);
  return atomically(db, () => {
    heldLease(db, jobId, workerId, now);
    const row = db.prepare('UPDATE jobs SET lease_expires_at = ? WHERE id = ? RETURNING id, kind, payload, ready_at, lease_owner, lease_expires_at, attempts').get(now.getTime() + leaseMs, jobId);
    return toLeasedJob(row as unknown as JobRow);
  });
}

export function completeJob(db: DatabaseSync, jobId: string, workerId: string, now: Date): void {
  checkId(jobId, 'jobId');
  checkId(workerId, 'workerId');
  checkTime(now, 'now');
  atomically(db, () => {
    heldLease(db, jobId, workerId, now);
    db.prepare('DELETE FROM jobs WHERE id = ?').run(jobId);
  });
}

export function releaseJob(db: DatabaseSync, jobId: string, workerId: string, readyAt: Date, now: Date): void {
  checkId(jobId, 'jobId');
  checkId(workerId, 'workerId');
  checkTime(readyAt, 'readyAt');
  checkTime(now, 'now');
  atomically(db, () => {
    heldLease(db, jobId, workerId, now);
    db.prepare('UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL, ready_at = ? WHERE id = ?').run(readyAt.getTime(), jobId);
  });
}

/** A lease is the caller's only while it names the caller and has not expired. */
function heldLease(db: DatabaseSync, jobId: string, workerId: string, now: Date): void {
  const row = db.prepare('SELECT lease_owner, lease_expires_at FROM jobs WHERE id = ?').get(jobId) as Pick<JobRow, 'lease_owner' | 'lease_expires_at'> | undefined;
  let reason: string | undefined;
  if (row === undefined) reason = 'the job is not queued';
  else if (row.lease_owner !== workerId) reason = `the job is not leased by ${workerId}`;
  else if (Number(row.lease_expires_at) <= now.getTime()) reason = `the lease of ${workerId} expired`;
  if (reason !== undefined) throw new ConflictError({ collection: JOBS, id: jobId, reason });
}

function toLeasedJob(row: JobRow): LeasedJob {
  return {
    id: row.id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    readyAt: new Date(Number(row.ready_at)),
    workerId: String(row.lease_owner),
    leaseExpiresAt: new Date(Number(row.lease_expires_at)),
    attempts: Number(row.attempts),
  };
}
