import { ArcaError } from '../../core/errors/index.ts';
import type { MetadataOperations } from '../persistence/index.ts';
import type { Principal, Target } from './principal.ts';
import { allows, type Action } from './roles.ts';
import { unauthenticated, verifyToken } from './tokens.ts';

/**
 * The principal behind an `Authorization` header value (`Bearer <secret>`); throws
 * InvalidAuthenticationToken (401) when there is none. Knows nothing of HTTP frameworks.
 */
export async function authenticate(header: string | undefined, store: MetadataOperations, now: Date): Promise<Principal> {
  if (header === undefined || header.trim() === '') throw unauthenticated('missing');
  const match = /^Bearer +(\S+)\s*$/i.exec(header.trim());
  if (match === null) throw unauthenticated('malformed');
  return verifyToken(store, match[1] as string, now);
}

/**
 * Refuses, with AuthorizationFailed (403), an action the principal's role does not allow. An Agent
 * may act only on its own machine, so its actions need a target naming that machine.
 */
export function authorize(principal: Principal, action: Action, target: Target = {}): void {
  if (permitted(principal, action, target)) return;
  throw new ArcaError('AuthorizationFailed', { principal: principal.name, role: principal.role, action });
}

/** The same decision as a boolean, for callers that filter rather than fail. */
export function permitted(principal: Principal, action: Action, target: Target = {}): boolean {
  if (!allows(principal.role, action)) return false;
  if (principal.role !== 'Agent') return true;
  return principal.machineId !== undefined && target.machineId === principal.machineId;
}
