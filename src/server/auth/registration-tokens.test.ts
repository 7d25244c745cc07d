import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import type { MetadataStore } from '../persistence/index.ts';
import { createRegistrationToken, redeemRegistrationToken, REGISTRATION_TOKENS } from './registration-tokens.ts';
import { listTokens, verifyToken } from './tokens.ts';
import { HOUR, plus, rejectsWith, T0, withStore } from './test-support.ts';

/** Two agents redeem one token at once: exactly one gets credentials, the other the 401 code. */
async function race(first: MetadataStore, second: MetadataStore, secret: string): Promise<void> {
  const results = await Promise.allSettled([
    redeemRegistrationToken(first, secret, { machineId: 'vm1', now: plus(1) }),
    redeemRegistrationToken(second, secret, { machineId: 'vm1', now: plus(1) }),
  ]);
  const won = results.filter((r) => r.status === 'fulfilled');
  const lost = results.filter((r) => r.status === 'rejected');
  assert.equal(won.length, 1);
  assert.equal(lost.length, 1);
  const reason: unknown = lost[0]?.reason;
  assert.ok(isArcaError(reason) && reason.code === 'UserErrorRegistrationTokenInvalid' && reason.httpStatus === 401, String(reason));
  const agents = await listTokens(first, { role: 'Agent' });
  assert.equal(agents.length, 1, 'only one agent credential was issued');
  assert.equal(agents[0]?.machineId, won[0]?.status === 'fulfilled' ? won[0].value.machineId : undefined);
}

describe('registration tokens', () => {
  it('redeem once: gives an Agent token for the machine, stored only as a hash', async () => {
    await withStore(async (store) => {
      const registration = await createRegistrationToken(store, { machineId: 'vm1', expiresAt: plus(HOUR), now: T0 });
      assert.match(registration.secret, /^arcareg_[A-Za-z0-9_-]{43}$/);
      const agent = await redeemRegistrationToken(store, registration.secret, { machineId: 'vm1', now: plus(1) });
      assert.deepEqual(await verifyToken(store, agent.secret, plus(2)), { tokenId: agent.id, name: 'agent vm1', role: 'Agent', machineId: 'vm1' });
      const stored = JSON.stringify(await store.list(REGISTRATION_TOKENS));
      assert.ok(!stored.includes(registration.secret.slice(8)) && stored.includes('"used"'));
    });
  });

  it('refuses a second use, an expired token, an unknown one, and an access token in its place', async () => {
    await withStore(async (store) => {
      const used = await createRegistrationToken(store, { machineId: 'vm1', expiresAt: plus(HOUR), now: T0 });
      const agent = await redeemRegistrationToken(store, used.secret, { machineId: 'vm1', now: plus(1) });
      await rejectsWith(redeemRegistrationToken(store, used.secret, { machineId: 'vm1', now: plus(2) }), 'UserErrorRegistrationTokenInvalid', 'used', used.secret);
      const expired = await createRegistrationToken(store, { machineId: 'vm2', expiresAt: plus(HOUR), now: T0 });
      await rejectsWith(redeemRegistrationToken(store, expired.secret, { machineId: 'vm2', now: plus(HOUR) }), 'UserErrorRegistrationTokenInvalid', 'expired', expired.secret);
      await rejectsWith(redeemRegistrationToken(store, `arcareg_${'B'.repeat(43)}`, { machineId: 'vm2', now: T0 }), 'UserErrorRegistrationTokenInvalid', 'unknown');
      await rejectsWith(redeemRegistrationToken(store, agent.secret, { machineId: 'vm2', now: T0 }), 'UserErrorRegistrationTokenInvalid', 'unknown', agent.secret);
      await rejectsWith(verifyToken(store, expired.secret, T0), 'InvalidAuthenticationToken', 'unknown');
      assert.equal((await listTokens(store, { role: 'Agent' })).length, 1);
    });
  });

  it('refuses to create one that is already expired', async () => {
    await withStore(async (store) => {
      await rejectsWith(createRegistrationToken(store, { machineId: 'vm1', expiresAt: T0, now: T0 }), 'UserErrorInvalidArgument');
    });
  });

  it('registers only the machine it was made for, and refuses malformed machine ids', async () => {
    await withStore(async (store) => {
      const forVm1 = await createRegistrationToken(store, { machineId: 'vm1', expiresAt: plus(HOUR), now: T0 });
      await rejectsWith(redeemRegistrationToken(store, forVm1.secret, { machineId: 'vm9', now: plus(1) }), 'UserErrorRegistrationTokenInvalid', 'unknown', forVm1.secret);
      const agent = await redeemRegistrationToken(store, forVm1.secret, { machineId: 'vm1', now: plus(2) });
      assert.equal((await verifyToken(store, agent.secret, plus(3))).machineId, 'vm1');
      await rejectsWith(createRegistrationToken(store, { machineId: '../x', expiresAt: plus(HOUR), now: T0 }), 'UserErrorInvalidArgument');
      await rejectsWith(createRegistrationToken(store, { machineId: 'a'.repeat(65), expiresAt: plus(HOUR), now: T0 }), 'UserErrorInvalidArgument');
    });
  });

  it('two concurrent consumers on one store: exactly one succeeds', async () => {
    await withStore(async (store) => {
      for (let round = 0; round < 5; round++) {
        const registration = await createRegistrationToken(store, { machineId: 'vm1', expiresAt: plus(HOUR), now: T0 });
        await race(store, store, registration.secret);
        for (const agent of await listTokens(store, { role: 'Agent' })) await store.delete('tokens', agent.id);
      }
    });
  });
});
