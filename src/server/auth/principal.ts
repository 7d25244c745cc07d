import type { Role } from './roles.ts';

/** Who is calling, as established by `authenticate`; never carries the secret. */
export interface Principal {
  readonly tokenId: string;
  readonly name: string;
  readonly role: Role;
  /** Set for Agent principals: the one machine they speak for. */
  readonly machineId?: string;
  /** Set when the token was issued to a user or service principal (see principals.ts). */
  readonly principalId?: string;
}

/** What an action is done to, where that narrows who may do it. */
export interface Target {
  readonly machineId?: string;
}
