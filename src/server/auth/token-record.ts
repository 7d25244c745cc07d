import type { Role } from './roles.ts';

export const TOKENS = 'tokens';

/** A token as stored: the SHA-256 of its secret, never the secret. Times are ISO-8601 UTC. */
export interface TokenData {
  readonly name: string;
  readonly role: Role;
  readonly machineId?: string;
  /** The user or service principal the token was issued to; revoking it revokes the token. */
  readonly principalId?: string;
  readonly hash: string;
  readonly created: string;
  readonly expires?: string;
  readonly lastUsed?: string;
  readonly revoked?: string;
}

/** A token as listed: everything but its hash. */
export interface TokenSummary {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly machineId?: string;
  readonly principalId?: string;
  readonly created: Date;
  readonly expires?: Date;
  readonly lastUsed?: Date;
  readonly revoked?: Date;
}

/** The one time a secret is seen: returned by create, never stored or listed. */
export interface CreatedToken extends TokenSummary {
  readonly secret: string;
}

export function summaryOf(id: string, data: TokenData): TokenSummary {
  return {
    id,
    name: data.name,
    role: data.role,
    ...(data.machineId === undefined ? {} : { machineId: data.machineId }),
    ...(data.principalId === undefined ? {} : { principalId: data.principalId }),
    created: new Date(data.created),
    ...(data.expires === undefined ? {} : { expires: new Date(data.expires) }),
    ...(data.lastUsed === undefined ? {} : { lastUsed: new Date(data.lastUsed) }),
    ...(data.revoked === undefined ? {} : { revoked: new Date(data.revoked) }),
  };
}

/** Index fields: the hash to find a token by its secret, the role to find Owners, the principal to revoke with it. */
export function indexOf(data: TokenData): Record<string, string> {
  return {
    hash: data.hash,
    role: data.role,
    ...(data.machineId === undefined ? {} : { machineId: data.machineId }),
    ...(data.principalId === undefined ? {} : { principalId: data.principalId }),
  };
}

/** Usable now: not revoked and not past its expiry. */
export function isActive(data: TokenData, now: Date): boolean {
  return data.revoked === undefined && (data.expires === undefined || now.getTime() < Date.parse(data.expires));
}
