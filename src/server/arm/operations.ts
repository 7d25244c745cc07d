import { randomUUID } from 'node:crypto';
import { ArcaError, type ErrorParams, type Language } from '../../core/errors/index.ts';
import type { MetadataOperations } from '../persistence/index.ts';
import type { ArmRequest, ArmResponse } from './arm-route.ts';

/**
 * Long-running operations. A call that cannot finish at once answers 202 with `Azure-AsyncOperation`
 * (a status resource: InProgress, then Succeeded, Failed or Canceled) and `Location` (a result
 * resource: 202 while running, then the result). Each API family chooses the two paths; the record
 * here is the one truth both read.
 */
export const OPERATION_STATUSES = ['InProgress', 'Succeeded', 'Failed', 'Canceled'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

export interface OperationRecord {
  readonly id: string;
  /** What was asked, e.g. `Backup`, `Restore`, `DeleteVault`. */
  readonly kind: string;
  readonly status: OperationStatus;
  readonly startTime: string;
  readonly endTime?: string;
  /** The resource the operation acts on. */
  readonly resourceId: string;
  /** The backup job that carries the work, when there is one. */
  readonly jobId?: string;
  readonly error?: { readonly code: string; readonly params: ErrorParams };
  /** What the result resource answers once the operation succeeded (none: 204). */
  readonly result?: unknown;
}

export const OPERATIONS = 'operations';

export async function createOperation(
  store: MetadataOperations,
  input: { kind: string; resourceId: string; now: Date; jobId?: string; id?: string },
): Promise<OperationRecord> {
  const data: OperationRecord = {
    id: input.id ?? randomUUID(),
    kind: input.kind,
    status: 'InProgress',
    startTime: input.now.toISOString(),
    resourceId: input.resourceId,
    ...(input.jobId ? { jobId: input.jobId } : {}),
  };
  await store.put<OperationRecord>(OPERATIONS, { id: data.id, data, index: { status: data.status, resource: data.resourceId.toLowerCase() } }, { expectedVersion: 0 });
  return data;
}

/** Records how an operation ended; an operation that already ended keeps its first outcome. */
export async function finishOperation(
  store: MetadataOperations,
  id: string,
  outcome: { status: Exclude<OperationStatus, 'InProgress'>; now: Date; error?: ArcaError; result?: unknown },
): Promise<OperationRecord | undefined> {
  const record = await store.get<OperationRecord>(OPERATIONS, id);
  if (!record) return undefined;
  if (record.data.status !== 'InProgress') return record.data;
  const data: OperationRecord = {
    ...record.data,
    status: outcome.status,
    endTime: outcome.now.toISOString(),
    ...(outcome.error ? { error: { code: outcome.error.code, params: outcome.error.params } } : {}),
    ...(outcome.result === undefined ? {} : { result: outcome.result }),
  };
  await store.put<OperationRecord>(OPERATIONS, { id, data, index: { status: data.status, resource: data.resourceId.toLowerCase() } }, { expectedVersion: record.version });
  return data;
}

/** The operation, or ResourceNotFound naming the path asked for. */
export async function getOperation(store: MetadataOperations, id: string, path: string): Promise<OperationRecord> {
  const record = await store.get<OperationRecord>(OPERATIONS, id);
  if (!record) throw new ArcaError('ResourceNotFound', { resourceId: path });
  return record.data;
}

export interface OperationPaths {
  /** Path of the status resource (Azure-AsyncOperation), without query. */
  readonly status: string;
  /** Path of the result resource (Location), without query. */
  readonly result: string;
}

/** 202 Accepted pointing at the operation's status and result resources. */
export function accepted(request: ArmRequest<unknown>, paths: OperationPaths, retryAfterSeconds: number): ArmResponse {
  const query = `?api-version=${encodeURIComponent(request.apiVersion)}`;
  return {
    status: 202,
    headers: {
      'azure-asyncoperation': `${request.origin}${paths.status}${query}`,
      location: `${request.origin}${paths.result}${query}`,
      // 0 leaves the pace to the client (the Azure SDK ignores 0 anyway and uses its own interval).
      ...(retryAfterSeconds > 0 ? { 'retry-after': String(retryAfterSeconds) } : {}),
    },
  };
}

/** ARM's operation status body; errors carry the catalog's code and localized message. */
export function operationStatusBody(op: OperationRecord, language: Language, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: op.id,
    name: op.id,
    status: op.status,
    startTime: op.startTime,
    ...(op.endTime ? { endTime: op.endTime } : {}),
    ...(op.error ? { error: renderOperationError(op.error, language) } : {}),
    ...extra,
  };
}

function renderOperationError(error: NonNullable<OperationRecord['error']>, language: Language): { code: string; message: string } {
  try {
    const rendered = new ArcaError(error.code as never, error.params).render(language);
    return { code: error.code, message: rendered.message };
  } catch {
    return { code: error.code, message: error.code };
  }
}

/** The result resource: 202 again while running; the stored result (200) or nothing (204) after success; the error after failure. */
export function operationResult(request: ArmRequest<unknown>, op: OperationRecord, paths: OperationPaths, retryAfterSeconds: number): ArmResponse {
  if (op.status === 'InProgress') return accepted(request, paths, retryAfterSeconds);
  if (op.status === 'Succeeded') return op.result === undefined ? { status: 204 } : { status: 200, body: op.result };
  if (op.error) throw new ArcaError(op.error.code as never, op.error.params);
  return { status: 204 };
}
