import { randomUUID } from 'node:crypto';
import type { MetadataOperations, Page } from '../persistence/index.ts';

/** One change someone asked for, granted or refused: who, what, when, and how it ended. */
export interface AuditEntry {
  readonly time: string;
  readonly principal: string;
  readonly role: string;
  /** The token the request carried; absent for sign-ins, which carry none. */
  readonly tokenId?: string;
  /** The user or service principal behind it, when there is one. */
  readonly principalId?: string;
  readonly method: string;
  readonly path: string;
  readonly requestId: string;
  readonly status: number;
  /** The catalog code when the request failed. */
  readonly code?: string;
}

export const AUDIT = 'audit';

/** Who asked: an authenticated principal, or for a sign-in, the client that tried. */
export interface AuditActor {
  readonly name: string;
  readonly role: string;
  readonly tokenId?: string;
  readonly principalId?: string;
}

export interface AuditInput {
  readonly time: Date;
  readonly principal: AuditActor;
  readonly method: string;
  readonly path: string;
  readonly requestId: string;
  readonly status: number;
  readonly code?: string;
}

/** Appends an entry; ids start with the time so the log lists in order. Request bodies are never kept (they may hold secrets). */
export async function recordAudit(store: MetadataOperations, input: AuditInput): Promise<void> {
  const time = input.time.toISOString();
  const data: AuditEntry = {
    time,
    principal: input.principal.name,
    role: input.principal.role,
    ...(input.principal.tokenId === undefined ? {} : { tokenId: input.principal.tokenId }),
    ...(input.principal.principalId === undefined ? {} : { principalId: input.principal.principalId }),
    method: input.method,
    path: input.path.slice(0, 1000),
    requestId: input.requestId,
    status: input.status,
    ...(input.code === undefined ? {} : { code: input.code }),
  };
  await store.put<AuditEntry>(AUDIT, { id: `${time}-${randomUUID()}`, data, index: { time, principal: data.principal } });
}

/** Newest first; `since` (ISO time) keeps later entries only. */
export function listAudit(store: MetadataOperations, options: { since?: string; limit?: number; continuation?: string }): Promise<Page<AuditEntry>> {
  return store.list<AuditEntry>(AUDIT, {
    ...(options.since ? { where: [{ field: 'time', op: 'ge', value: options.since }] } : {}),
    orderBy: { field: 'time', direction: 'desc' },
    ...(options.limit ? { limit: options.limit } : {}),
    ...(options.continuation ? { continuation: options.continuation } : {}),
  });
}
