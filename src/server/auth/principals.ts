import { randomUUID } from 'node:crypto';
import { ArcaError, invalidArgument } from '../../core/errors/index.ts';
import type { MetadataOperations, MetadataStore, Page } from '../persistence/index.ts';
import { PRINCIPAL_TYPES, PRINCIPALS, principalIndex, principalSummary, type PrincipalData, type PrincipalSummary, type PrincipalType } from './principal-record.ts';
import { isUserRole, USER_ROLES, type UserRole } from './roles.ts';
import { CLIENT_SECRET_PREFIX, hashClientSecret, newSalt, newSecret } from './secrets.ts';
import { isActive, type CreatedToken } from './token-record.ts';
import { createToken, revokeToken, tokensOf } from './tokens.ts';

export interface NewPrincipal {
  readonly name: string;
  readonly type: PrincipalType;
  readonly role: UserRole;
  /** Who asks, kept on the record. */
  readonly createdBy: string;
  /** Users only: when their first token expires; without it, it lasts until revoked. */
  readonly tokenExpiresAt?: Date;
  readonly now: Date;
}

/** The one time a principal's credential is seen: a user's bearer token, or a service principal's client secret. */
export type CreatedPrincipal = PrincipalSummary & ({ readonly token: CreatedToken } | { readonly clientSecret: string });

/**
 * Creates a user (with a bearer token) or a service principal (with a client id and a client secret
 * to trade for tokens at the token endpoint). The principal and its credential are written in one
 * transaction, so there is never a user without its token.
 */
export async function createPrincipal(store: MetadataStore, request: NewPrincipal): Promise<CreatedPrincipal> {
  checkNewPrincipal(request);
  const id = randomUUID();
  const base = { name: request.name.trim(), type: request.type, role: request.role, created: request.now.toISOString(), createdBy: request.createdBy };
  if (request.type === 'ServicePrincipal') {
    const clientSecret = newSecret(CLIENT_SECRET_PREFIX);
    const secretSalt = newSalt();
    const data: PrincipalData = { ...base, clientId: randomUUID(), secretSalt, secretHash: hashClientSecret(clientSecret, secretSalt) };
    await store.put<PrincipalData>(PRINCIPALS, { id, data, index: principalIndex(data) }, { expectedVersion: 0 });
    return { ...principalSummary(id, data), clientSecret };
  }
  const data: PrincipalData = base;
  return store.transaction(async (tx) => {
    await tx.put<PrincipalData>(PRINCIPALS, { id, data, index: principalIndex(data) }, { expectedVersion: 0 });
    const token = await createToken(tx, {
      name: data.name,
      role: data.role,
      principalId: id,
      now: request.now,
      ...(request.tokenExpiresAt === undefined ? {} : { expiresAt: request.tokenExpiresAt }),
    });
    return { ...principalSummary(id, data), token };
  });
}

/** The principal, or PrincipalNotFound. */
export async function getPrincipal(store: MetadataOperations, id: string): Promise<PrincipalSummary> {
  const record = await store.get<PrincipalData>(PRINCIPALS, id);
  if (record === undefined) throw new ArcaError('PrincipalNotFound', { principalId: id.slice(0, 100) });
  return principalSummary(record.id, record.data);
}

/** One page of principals in id order, revoked ones included, without secrets' hashes. */
export async function pagePrincipals(store: MetadataOperations, query: { limit?: number; continuation?: string } = {}): Promise<Page<PrincipalSummary>> {
  const page = await store.list<PrincipalData>(PRINCIPALS, {
    ...(query.limit === undefined ? {} : { limit: query.limit }),
    ...(query.continuation === undefined ? {} : { continuation: query.continuation }),
  });
  return {
    records: page.records.map((r) => ({ ...r, data: principalSummary(r.id, r.data) })),
    ...(page.continuation === undefined ? {} : { continuation: page.continuation }),
  };
}

/**
 * Revokes a principal for good, and with it every token issued to it, in one transaction: from then
 * on none of its tokens authenticates and its client secret is refused. Resolves undefined when
 * there is no such principal; revoking twice keeps the first time.
 */
export async function revokePrincipal(store: MetadataStore, id: string, now: Date): Promise<PrincipalSummary | undefined> {
  return store.transaction(async (tx) => {
    const record = await tx.get<PrincipalData>(PRINCIPALS, id);
    if (record === undefined) return undefined;
    const data: PrincipalData = record.data.revoked === undefined ? { ...record.data, revoked: now.toISOString() } : record.data;
    if (data !== record.data) await tx.put<PrincipalData>(PRINCIPALS, { id, data, index: principalIndex(data) }, { expectedVersion: record.version });
    for (const token of await tokensOf(tx, id)) {
      if (isActive(token.data, now)) await revokeToken(tx, token.id, now);
    }
    return principalSummary(id, data);
  });
}

function checkNewPrincipal(request: NewPrincipal): void {
  if (typeof request.name !== 'string' || request.name.trim().length === 0 || request.name.length > 200) throw invalidArgument('name', 'must be 1 to 200 characters');
  if (!(PRINCIPAL_TYPES as readonly string[]).includes(request.type)) throw invalidArgument('type', `must be ${PRINCIPAL_TYPES.join(' or ')}`);
  if (!isUserRole(request.role)) throw invalidArgument('role', `must be one of ${USER_ROLES.join(', ')}`);
  if (request.type === 'ServicePrincipal' && request.tokenExpiresAt !== undefined) throw invalidArgument('tokenExpiresAt', 'is for users only; service principals get tokens at the token endpoint');
  const expires = request.tokenExpiresAt;
  if (expires !== undefined && !(expires instanceof Date && expires.getTime() > request.now.getTime())) throw invalidArgument('tokenExpiresAt', 'must be a time after now');
}
