import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACCESS_TOKEN_LIFETIME_MS, signInWithClientSecret } from './client-credentials.ts';
import { PRINCIPALS } from './principal-record.ts';
import { createPrincipal, getPrincipal, pagePrincipals, revokePrincipal, type NewPrincipal } from './principals.ts';
import { hashClientSecret } from './secrets.ts';
import { listTokens, verifyToken } from './tokens.ts';
import { HOUR, plus, rejectsWith, T0, withStore } from './test-support.ts';

const admin = { createdBy: 'bootstrap admin', now: T0 };

describe('principals', () => {
  it('a user gets a bearer token with its role, tied to it', async () => {
    await withStore(async (store) => {
      const user = await createPrincipal(store, { name: ' Ana ', type: 'User', role: 'BackupOperator', ...admin });
      assert.ok('token' in user);
      assert.equal(user.name, 'Ana');
      assert.deepEqual(await verifyToken(store, user.token.secret, plus(1)), { tokenId: user.token.id, name: 'Ana', role: 'BackupOperator', principalId: user.id });
      assert.deepEqual(await getPrincipal(store, user.id), { id: user.id, name: 'Ana', type: 'User', role: 'BackupOperator', created: T0, createdBy: 'bootstrap admin' });
    });
  });

  it('a service principal gets a client id and a secret stored only as a salted hash', async () => {
    await withStore(async (store) => {
      const sp = await createPrincipal(store, { name: 'ci', type: 'ServicePrincipal', role: 'Reader', ...admin });
      assert.ok('clientSecret' in sp && sp.clientId !== undefined);
      const stored = await store.get<{ secretSalt: string; secretHash: string }>(PRINCIPALS, sp.id);
      const text = JSON.stringify(stored);
      assert.ok(!text.includes(sp.clientSecret) && !text.includes(sp.clientSecret.slice(7)), 'the record holds the secret');
      assert.equal(stored?.data.secretHash, hashClientSecret(sp.clientSecret, stored?.data.secretSalt ?? ''));
      const other = await createPrincipal(store, { name: 'ci', type: 'ServicePrincipal', role: 'Reader', ...admin });
      const otherStored = await store.get<{ secretSalt: string }>(PRINCIPALS, other.id);
      assert.notEqual(otherStored?.data.secretSalt, stored?.data.secretSalt, 'each record has its own salt');
      assert.ok(!JSON.stringify((await pagePrincipals(store)).records).match(/secret|salt|hash/i), 'lists show no secret material');
    });
  });

  it('signs a service principal in for an hour, with its role, and refuses the token from then on', async () => {
    await withStore(async (store) => {
      const sp = await createPrincipal(store, { name: 'robot', type: 'ServicePrincipal', role: 'BackupContributor', ...admin });
      assert.ok('clientSecret' in sp && sp.clientId !== undefined);
      const { token, principalId } = await signInWithClientSecret(store, { clientId: sp.clientId.toUpperCase(), clientSecret: sp.clientSecret, now: plus(1) });
      assert.equal(principalId, sp.id);
      assert.deepEqual(token.expires, plus(1 + ACCESS_TOKEN_LIFETIME_MS));
      assert.equal((await verifyToken(store, token.secret, plus(ACCESS_TOKEN_LIFETIME_MS))).role, 'BackupContributor');
      await rejectsWith(verifyToken(store, token.secret, plus(1 + ACCESS_TOKEN_LIFETIME_MS)), 'InvalidAuthenticationToken', 'expired');
    });
  });

  it('drops a principal\'s access tokens a day after they expired, at its next sign-in', async () => {
    await withStore(async (store) => {
      const sp = await createPrincipal(store, { name: 'hourly', type: 'ServicePrincipal', role: 'Reader', ...admin });
      assert.ok('clientSecret' in sp && sp.clientId !== undefined);
      const request = { clientId: sp.clientId, clientSecret: sp.clientSecret };
      await signInWithClientSecret(store, { ...request, now: T0 });
      await signInWithClientSecret(store, { ...request, now: plus(24 * HOUR) });
      assert.equal((await listTokens(store)).length, 2, 'expired less than a day ago: kept');
      await signInWithClientSecret(store, { ...request, now: plus(26 * HOUR) });
      const left = (await listTokens(store)).map((t) => t.created.getTime()).toSorted((a, b) => a - b);
      assert.deepEqual(left, [plus(24 * HOUR).getTime(), plus(26 * HOUR).getTime()], 'the token that expired 25 hours ago is gone');
    });
  });

  const refusals: [string, (sp: { clientId: string; clientSecret: string }) => { clientId: string; clientSecret: string }, string][] = [
    ['a wrong secret', (sp) => ({ ...sp, clientSecret: `arcasp_${'A'.repeat(43)}` }), 'secret'],
    ['an empty secret', (sp) => ({ ...sp, clientSecret: '' }), 'secret'],
    ['an unknown client id', (sp) => ({ ...sp, clientId: '00000000-0000-4000-8000-000000000000' }), 'unknown'],
    ['a client id that is no UUID', (sp) => ({ ...sp, clientId: 'robot' }), 'unknown'],
    ['a user\'s principal id in place of a client id', () => ({ clientId: 'set below', clientSecret: 'x' }), 'unknown'],
  ];
  for (const [what, change, reason] of refusals) {
    it(`refuses ${what} with InvalidClientCredentials, without the secret in the error`, async () => {
      await withStore(async (store) => {
        const sp = await createPrincipal(store, { name: 'robot', type: 'ServicePrincipal', role: 'Reader', ...admin });
        assert.ok('clientSecret' in sp && sp.clientId !== undefined);
        const user = await createPrincipal(store, { name: 'ana', type: 'User', role: 'Owner', ...admin });
        const asked = change({ clientId: sp.clientId, clientSecret: sp.clientSecret });
        const clientId = asked.clientId === 'set below' ? user.id : asked.clientId;
        await rejectsWith(signInWithClientSecret(store, { ...asked, clientId, now: plus(1) }), 'InvalidClientCredentials', reason, sp.clientSecret);
      });
    });
  }

  it('revoking a principal revokes its tokens and its client secret, once', async () => {
    await withStore(async (store) => {
      const sp = await createPrincipal(store, { name: 'robot', type: 'ServicePrincipal', role: 'Owner', ...admin });
      assert.ok('clientSecret' in sp && sp.clientId !== undefined);
      const { token } = await signInWithClientSecret(store, { clientId: sp.clientId, clientSecret: sp.clientSecret, now: plus(1) });
      const bystander = await createPrincipal(store, { name: 'ana', type: 'User', role: 'Reader', ...admin });
      assert.deepEqual((await revokePrincipal(store, sp.id, plus(2)))?.revoked, plus(2));
      await rejectsWith(verifyToken(store, token.secret, plus(3)), 'InvalidAuthenticationToken', 'revoked');
      await rejectsWith(signInWithClientSecret(store, { clientId: sp.clientId, clientSecret: sp.clientSecret, now: plus(3) }), 'InvalidClientCredentials', 'revoked');
      assert.ok('token' in bystander && (await verifyToken(store, bystander.token.secret, plus(3))).role === 'Reader', 'other principals keep their tokens');
      assert.deepEqual((await revokePrincipal(store, sp.id, plus(4)))?.revoked, plus(2), 'revoking again keeps the first time');
      assert.equal(await revokePrincipal(store, 'none', plus(4)), undefined);
      await rejectsWith(getPrincipal(store, 'none'), 'PrincipalNotFound');
    });
  });

  const invalid: [string, Partial<NewPrincipal>][] = [
    ['the Agent role', { role: 'Agent' as 'Owner' }],
    ['an unknown type', { type: 'Group' as 'User' }],
    ['an empty name', { name: '  ' }],
    ['a token expiry in the past', { tokenExpiresAt: plus(-1) }],
    ['a token expiry for a service principal', { type: 'ServicePrincipal', tokenExpiresAt: plus(HOUR) }],
  ];
  for (const [what, change] of invalid) {
    it(`refuses to create a principal with ${what}`, async () => {
      await withStore(async (store) => {
        await rejectsWith(createPrincipal(store, { name: 'x', type: 'User', role: 'Reader', ...admin, ...change }), 'UserErrorInvalidArgument');
        assert.deepEqual((await pagePrincipals(store)).records, []);
        assert.deepEqual(await listTokens(store), []);
      });
    });
  }
});
