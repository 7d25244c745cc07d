import type { UserRole } from './roles.ts';

export const PRINCIPALS = 'principals';

/** People sign in with a bearer token; programs with a client id and secret at the token endpoint. */
export const PRINCIPAL_TYPES = ['User', 'ServicePrincipal'] as const;
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

/** A principal as stored. A service principal keeps a salted hash of its secret, never the secret. */
export interface PrincipalData {
  readonly name: string;
  readonly type: PrincipalType;
  readonly role: UserRole;
  readonly created: string;
  /** The name of the principal that created it, for the record. */
  readonly createdBy: string;
  readonly clientId?: string;
  readonly secretSalt?: string;
  readonly secretHash?: string;
  readonly revoked?: string;
}

/** A principal as listed: everything but its secret's hash and salt. */
export interface PrincipalSummary {
  readonly id: string;
  readonly name: string;
  readonly type: PrincipalType;
  readonly role: UserRole;
  readonly clientId?: string;
  readonly created: Date;
  readonly createdBy: string;
  readonly revoked?: Date;
}

export function principalSummary(id: string, data: PrincipalData): PrincipalSummary {
  return {
    id,
    name: data.name,
    type: data.type,
    role: data.role,
    ...(data.clientId === undefined ? {} : { clientId: data.clientId }),
    created: new Date(data.created),
    createdBy: data.createdBy,
    ...(data.revoked === undefined ? {} : { revoked: new Date(data.revoked) }),
  };
}

/** Index fields: the client id to sign in by, the role and type to filter lists on. */
export function principalIndex(data: PrincipalData): Record<string, string> {
  return { type: data.type, role: data.role, ...(data.clientId === undefined ? {} : { clientId: data.clientId }) };
}
