import { ArcaError, invalidArgument } from '../../core/errors/index.ts';
import { isConflictError, type MetadataOperations, type MetadataStore } from '../persistence/index.ts';
import { hashSecret, newId, newSecret, plausibleSecret, REGISTRATION_PREFIX, sameHash } from './secrets.ts';
import type { CreatedToken } from './token-record.ts';
import { createToken } from './tokens.ts';

export const REGISTRATION_TOKENS = 'registration-tokens';

/** Stored in place of the secret: its hash, the one machine it may register, and once redeemed, when. */
interface RegistrationData {
  readonly hash: string;
  readonly created: string;
  readonly expires: string;
  readonly machineId: string;
  /** A machine that does not exist yet: its registration creates it (DESIGN §2). */
  readonly intendedVm?: RegistrationIntendedVm;
  readonly used?: string;
  readonly agentTokenId?: string;
}

/** Machine ids as resource names allow them: letters, digits, `.`, `_`, `-`, up to 64 characters. */
const MACHINE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function checkMachineId(machineId: unknown): string {
  if (typeof machineId !== 'string' || !MACHINE_ID.test(machineId)) {
    throw invalidArgument('machineId', 'must be 1 to 64 letters, digits, dots, underscores or hyphens, starting with a letter or digit');
  }
  return machineId;
}

/** Where the VM a registration creates goes; `machineId` is its vmId to be. */
export interface RegistrationIntendedVm {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly vmName: string;
  readonly location: string;
}

export interface CreatedRegistrationToken {
  readonly id: string;
  readonly secret: string;
  readonly expires: Date;
}

/**
 * A one-time token with which the agent of one named machine obtains its own credentials; the secret
 * is returned only here. Binding it to the machine means a leaked token cannot register, or take the
 * place of, any other machine.
 */
export async function createRegistrationToken(
  store: MetadataOperations,
  request: { machineId: string; expiresAt: Date; now: Date; intendedVm?: RegistrationIntendedVm },
): Promise<CreatedRegistrationToken> {
  const { expiresAt, now } = request;
  const machineId = checkMachineId(request.machineId);
  if (!(expiresAt instanceof Date) || !(now instanceof Date) || !(expiresAt.getTime() > now.getTime())) throw invalidArgument('expiresAt', 'must be a time after now');
  const secret = newSecret(REGISTRATION_PREFIX);
  const id = newId('reg');
  const hash = hashSecret(secret);
  const intended = request.intendedVm;
  const data: RegistrationData = {
    hash,
    created: now.toISOString(),
    expires: expiresAt.toISOString(),
    machineId,
    ...(intended ? { intendedVm: { subscriptionId: intended.subscriptionId, resourceGroup: intended.resourceGroup, vmName: intended.vmName, location: intended.location } } : {}),
  };
  await store.put<RegistrationData>(REGISTRATION_TOKENS, { id, data, index: { hash } }, { expectedVersion: 0 });
  return { id, secret, expires: expiresAt };
}

/**
 * Redeems a registration token for an Agent token of `machineId`. Marking the token used and
 * creating the credentials happen in one transaction, and the mark is a versioned write, so of two
 * agents racing with one token exactly one gets credentials; the other, like an unknown or expired
 * token, gets UserErrorRegistrationTokenInvalid.
 */
export function redeemRegistrationToken(store: MetadataStore, secret: string, request: { machineId: string; now: Date }): Promise<CreatedToken> {
  return redeemRegistrationTokenWith(store, secret, request, async () => undefined).then((redeemed) => redeemed.agent);
}

/**
 * As `redeemRegistrationToken`, and in the same transaction, after the token is found valid and
 * before it is marked used, `withToken` runs with the transaction and the machine the token
 * intends to create (undefined for a token of an existing machine). When `withToken` throws,
 * nothing is written: the token stays unspent.
 */
export async function redeemRegistrationTokenWith<T>(
  store: MetadataStore,
  secret: string,
  request: { machineId: string; now: Date },
  withToken: (tx: MetadataOperations, intendedVm: RegistrationIntendedVm | undefined) => Promise<T>,
): Promise<{ agent: CreatedToken; result: T }> {
  const { now } = request;
  const machineId = checkMachineId(request.machineId);
  if (typeof secret !== 'string' || !plausibleSecret(secret)) throw registrationInvalid('unknown');
  const hash = hashSecret(secret);
  return store.transaction(async (tx) => {
    const page = await tx.list<RegistrationData>(REGISTRATION_TOKENS, { where: [{ field: 'hash', op: 'eq', value: hash }], limit: 1 });
    const record = page.records[0];
    if (record === undefined || !sameHash(record.data.hash, hash)) throw registrationInvalid('unknown');
    if (record.data.used !== undefined) throw registrationInvalid('used');
    if (now.getTime() >= Date.parse(record.data.expires)) throw registrationInvalid('expired');
    if (record.data.machineId !== machineId) throw registrationInvalid('unknown');
    const result = await withToken(tx, record.data.intendedVm);
    const agent = await createToken(tx, { name: `agent ${machineId}`, role: 'Agent', machineId, now });
    const data: RegistrationData = { ...record.data, used: now.toISOString(), agentTokenId: agent.id };
    await tx.put<RegistrationData>(REGISTRATION_TOKENS, { id: record.id, data, index: { hash } }, { expectedVersion: record.version }).catch((error: unknown) => {
      throw isConflictError(error) ? registrationInvalid('used') : error;
    });
    return { agent, result };
  });
}

/** `reason` is for logs and tests only; the caller is not told which check failed. */
function registrationInvalid(reason: 'unknown' | 'used' | 'expired'): ArcaError {
  return new ArcaError('UserErrorRegistrationTokenInvalid', { reason });
}
