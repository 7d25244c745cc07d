import { ArcaError } from '../../core/errors/index.ts';
import type { MetadataStore, StoredRecord } from '../persistence/index.ts';
import { PRINCIPALS, type PrincipalData } from './principal-record.ts';
import { hashClientSecret, plausibleSecret, sameHash } from './secrets.ts';
import { TOKENS, type CreatedToken } from './token-record.ts';
import { createToken, tokensOf } from './tokens.ts';

/** Access tokens from the token endpoint last an hour, as Azure AD's do. */
export const ACCESS_TOKEN_LIFETIME_MS = 3_600_000;

/** Expired access tokens are kept this long for `GET /arca/tokens`, then dropped at the principal's next sign-in. */
const EXPIRED_TOKEN_RETENTION_MS = 24 * 3_600_000;

const CLIENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Hashed against when the client is unknown, so that answer takes as long as a wrong secret. */
const DECOY: Pick<PrincipalData, 'secretSalt' | 'secretHash'> = { secretSalt: 'AAAAAAAAAAAAAAAAAAAAAA', secretHash: '0'.repeat(64) };

export interface SignedIn {
  readonly principalId: string;
  readonly token: CreatedToken;
}

/**
 * The client-credentials grant: checks a service principal's client secret and issues an access
 * token with its role, valid for an hour. Unknown client, wrong secret and revoked principal all
 * fail alike with InvalidClientCredentials (401); `reason` is for logs only.
 */
export async function signInWithClientSecret(store: MetadataStore, request: { clientId: string; clientSecret: string; now: Date }): Promise<SignedIn> {
  const { clientId, clientSecret, now } = request;
  const record = CLIENT_ID.test(clientId) ? await findByClientId(store, clientId.toLowerCase()) : undefined;
  const stored = record?.data.secretHash !== undefined && record.data.secretSalt !== undefined ? record.data : DECOY;
  const candidate = hashClientSecret(plausibleSecret(clientSecret) ? clientSecret : '', stored.secretSalt as string);
  const matches = sameHash(candidate, stored.secretHash as string);
  if (record === undefined) throw invalidClient('unknown', clientId);
  if (!matches) throw invalidClient('secret', clientId);
  if (record.data.revoked !== undefined) throw invalidClient('revoked', clientId);
  const principalId = record.id;
  const data = record.data;
  const token = await store.transaction(async (tx) => {
    for (const old of await tokensOf(tx, principalId)) {
      const expires = old.data.expires === undefined ? Number.POSITIVE_INFINITY : Date.parse(old.data.expires);
      if (now.getTime() - expires > EXPIRED_TOKEN_RETENTION_MS) await tx.delete(TOKENS, old.id, { expectedVersion: old.version });
    }
    // Revoking the principal in between would otherwise leave this token live: check inside the transaction.
    const current = await tx.get<PrincipalData>(PRINCIPALS, principalId);
    if (current?.data.revoked !== undefined) throw invalidClient('revoked', clientId);
    return createToken(tx, { name: data.name, role: data.role, principalId, expiresAt: new Date(now.getTime() + ACCESS_TOKEN_LIFETIME_MS), now });
  });
  return { principalId, token };
}

/** The principal a client id names, for audit records of failed sign-ins; undefined when none. */
export async function principalForClientId(store: MetadataStore, clientId: string): Promise<{ id: string; name: string; role: string } | undefined> {
  if (!CLIENT_ID.test(clientId)) return undefined;
  const record = await findByClientId(store, clientId.toLowerCase());
  return record === undefined ? undefined : { id: record.id, name: record.data.name, role: record.data.role };
}

async function findByClientId(store: MetadataStore, clientId: string): Promise<StoredRecord<PrincipalData> | undefined> {
  const page = await store.list<PrincipalData>(PRINCIPALS, { where: [{ field: 'clientId', op: 'eq', value: clientId }], limit: 1 });
  return page.records[0];
}

function invalidClient(reason: 'unknown' | 'secret' | 'revoked', clientId: string): ArcaError {
  return new ArcaError('InvalidClientCredentials', { reason, clientId: clientId.slice(0, 64) });
}
