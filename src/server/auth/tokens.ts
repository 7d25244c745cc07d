import { ArcaError, invalidArgument } from '../../core/errors/index.ts';
import { isConflictError, type Filter, type MetadataOperations, type Page, type StoredRecord } from '../persistence/index.ts';
import type { Principal } from './principal.ts';
import { isRole, type Role } from './roles.ts';
import { hashSecret, newId, newSecret, plausibleSecret, sameHash, TOKEN_PREFIX } from './secrets.ts';
import { indexOf, isActive, summaryOf, TOKENS, type CreatedToken, type TokenData, type TokenSummary } from './token-record.ts';

export interface NewToken {
  readonly name: string;
  readonly role: Role;
  /** Required for Agent tokens, refused for any other role. */
  readonly machineId?: string;
  /** The user or service principal it is issued to. */
  readonly principalId?: string;
  /** Without it the token lasts until revoked. */
  readonly expiresAt?: Date;
  readonly now: Date;
  /** Install-time only: adopt this secret (ARCA_BOOTSTRAP_TOKEN) instead of drawing a new one. */
  readonly secret?: string;
}

/** lastUsed is kept to the minute, so verifying a token is not a write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Creates a token and returns its secret, the only time anyone sees it; only its hash is stored. */
export async function createToken(store: MetadataOperations, request: NewToken): Promise<CreatedToken> {
  checkNewToken(request);
  const secret = request.secret ?? newSecret(TOKEN_PREFIX);
  const id = newId('tok');
  const data: TokenData = {
    name: request.name,
    role: request.role,
    ...(request.machineId === undefined ? {} : { machineId: request.machineId }),
    ...(request.principalId === undefined ? {} : { principalId: request.principalId }),
    hash: hashSecret(secret),
    created: request.now.toISOString(),
    ...(request.expiresAt === undefined ? {} : { expires: request.expiresAt.toISOString() }),
  };
  await store.put<TokenData>(TOKENS, { id, data, index: indexOf(data) }, { expectedVersion: 0 });
  return { ...summaryOf(id, data), secret };
}

/** The principal a secret stands for; throws InvalidAuthenticationToken when it stands for none now. */
export async function verifyToken(store: MetadataOperations, secret: string, now: Date): Promise<Principal> {
  const record = typeof secret === 'string' && plausibleSecret(secret) ? await findByHash(store, hashSecret(secret), now) : undefined;
  if (record === undefined) throw unauthenticated('unknown');
  const data = record.data;
  if (data.revoked !== undefined) throw unauthenticated('revoked');
  if (!isActive(data, now)) throw unauthenticated('expired');
  await touch(store, record, now);
  return {
    tokenId: record.id,
    name: data.name,
    role: data.role,
    ...(data.machineId === undefined ? {} : { machineId: data.machineId }),
    ...(data.principalId === undefined ? {} : { principalId: data.principalId }),
  };
}

/** Revokes a token for good; resolves false when there is no such token. Revoking twice is harmless. */
export async function revokeToken(store: MetadataOperations, id: string, now: Date): Promise<boolean> {
  for (;;) {
    const record = await store.get<TokenData>(TOKENS, id);
    if (record === undefined) return false;
    if (record.data.revoked !== undefined) return true;
    const data: TokenData = { ...record.data, revoked: now.toISOString() };
    try {
      await store.put<TokenData>(TOKENS, { id, data, index: indexOf(data) }, { expectedVersion: record.version });
      return true;
    } catch (error) {
      if (!isConflictError(error)) throw error;
    }
  }
}

/** Every token, revoked and expired ones included, without hashes or secrets. */
export async function listTokens(store: MetadataOperations, filter: { role?: Role } = {}): Promise<TokenSummary[]> {
  return (await allTokens(store, filter.role)).map((r) => summaryOf(r.id, r.data));
}

/** One page of tokens in id order, as listed (no hashes); `principalId` keeps those issued to one principal. */
export async function pageTokens(
  store: MetadataOperations,
  query: { principalId?: string; limit?: number; continuation?: string } = {},
): Promise<Page<TokenSummary>> {
  const page = await store.list<TokenData>(TOKENS, {
    ...(query.principalId === undefined ? {} : { where: [{ field: 'principalId', op: 'eq' as const, value: query.principalId }] }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
    ...(query.continuation === undefined ? {} : { continuation: query.continuation }),
  });
  return { records: page.records.map((r) => ({ ...r, data: summaryOf(r.id, r.data) })), ...(page.continuation === undefined ? {} : { continuation: page.continuation }) };
}

export async function allTokens(store: MetadataOperations, role?: Role): Promise<StoredRecord<TokenData>[]> {
  return tokensWhere(store, role === undefined ? [] : [{ field: 'role', op: 'eq', value: role }]);
}

/** Every token issued to one user or service principal. */
export function tokensOf(store: MetadataOperations, principalId: string): Promise<StoredRecord<TokenData>[]> {
  return tokensWhere(store, [{ field: 'principalId', op: 'eq', value: principalId }]);
}

async function tokensWhere(store: MetadataOperations, where: readonly Filter[]): Promise<StoredRecord<TokenData>[]> {
  const records: StoredRecord<TokenData>[] = [];
  let continuation: string | undefined;
  do {
    const page = await store.list<TokenData>(TOKENS, { where, limit: 1000, continuation });
    records.push(...page.records);
    continuation = page.continuation;
  } while (continuation !== undefined);
  return records;
}

/** `reason` is for logs and tests only; the message never tells a caller which check failed. */
export function unauthenticated(reason: 'missing' | 'malformed' | 'unknown' | 'revoked' | 'expired'): ArcaError {
  return new ArcaError('InvalidAuthenticationToken', { reason });
}

/** An adopted secret may have been adopted again after a revocation: prefer the live record. */
async function findByHash(store: MetadataOperations, hash: string, now: Date): Promise<StoredRecord<TokenData> | undefined> {
  const page = await store.list<TokenData>(TOKENS, { where: [{ field: 'hash', op: 'eq', value: hash }], limit: 100 });
  const matches = page.records.filter((r) => sameHash(r.data.hash, hash));
  return matches.find((r) => isActive(r.data, now)) ?? matches[0];
}

async function touch(store: MetadataOperations, record: StoredRecord<TokenData>, now: Date): Promise<void> {
  const last = record.data.lastUsed === undefined ? Number.NEGATIVE_INFINITY : Date.parse(record.data.lastUsed);
  if (now.getTime() - last < LAST_USED_RESOLUTION_MS) return;
  const data: TokenData = { ...record.data, lastUsed: now.toISOString() };
  // Best effort: another request touched it, it was revoked meanwhile, or the store is busy; none of
  // that makes this request's token invalid, and a read must not fail for a bookkeeping write.
  await store.put<TokenData>(TOKENS, { id: record.id, data, index: indexOf(data) }, { expectedVersion: record.version }).catch(() => undefined);
}

function checkNewToken(request: NewToken): void {
  if (typeof request.name !== 'string' || request.name.trim().length === 0 || request.name.length > 200) throw invalidArgument('name', 'must be 1 to 200 characters');
  if (!isRole(request.role)) throw invalidArgument('role', 'must be Reader, BackupOperator, BackupContributor, Owner or Agent');
  if (request.role === 'Agent' && !request.machineId) throw invalidArgument('machineId', 'is required for an Agent token');
  if (request.role !== 'Agent' && request.machineId !== undefined) throw invalidArgument('machineId', 'is only for Agent tokens');
  if (!(request.now instanceof Date) || Number.isNaN(request.now.getTime())) throw invalidArgument('now', 'must be a valid Date');
  const expires = request.expiresAt;
  if (expires !== undefined && !(expires instanceof Date && expires.getTime() > request.now.getTime())) throw invalidArgument('expiresAt', 'must be a time after now');
  if (request.secret !== undefined && !plausibleSecret(request.secret)) throw invalidArgument('secret', 'must be 32 to 256 printable characters');
}
