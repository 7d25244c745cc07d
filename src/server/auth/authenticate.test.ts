import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authenticate, authorize } from './authenticate.ts';
import { createToken } from './tokens.ts';
import { rejectsWith, T0, withStore } from './test-support.ts';

describe('authenticate', () => {
  it('turns a Bearer header into its principal, whatever the scheme\'s case', async () => {
    await withStore(async (store) => {
      const created = await createToken(store, { name: 'portal', role: 'BackupContributor', now: T0 });
      assert.equal((await authenticate(`Bearer ${created.secret}`, store, T0)).role, 'BackupContributor');
      assert.equal((await authenticate(`bearer  ${created.secret} `, store, T0)).tokenId, created.id);
    });
  });

  const refused: [string, string | undefined, string][] = [
    ['no header at all', undefined, 'missing'],
    ['an empty header', '  ', 'missing'],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'malformed'],
    ['a scheme without a token', 'Bearer', 'malformed'],
    ['two values after the scheme', 'Bearer a b', 'malformed'],
    ['an unknown token', `Bearer arca_${'A'.repeat(43)}`, 'unknown'],
  ];
  for (const [what, header, reason] of refused) {
    it(`refuses ${what} with InvalidAuthenticationToken (401)`, async () => {
      await withStore(async (store) => {
        await rejectsWith(authenticate(header, store, T0), 'InvalidAuthenticationToken', reason);
      });
    });
  }

  it('the 401 error says nothing of the secret, in either language', async () => {
    await withStore(async (store) => {
      const created = await createToken(store, { name: 'x', role: 'Reader', expiresAt: new Date(T0.getTime() + 1), now: T0 });
      await rejectsWith(authenticate(`Bearer ${created.secret}`, store, new Date(T0.getTime() + 1)), 'InvalidAuthenticationToken', 'expired', created.secret);
    });
  });

  it('an authenticated Reader is then refused a backup with 403', async () => {
    await withStore(async (store) => {
      const created = await createToken(store, { name: 'auditor', role: 'Reader', now: T0 });
      const principal = await authenticate(`Bearer ${created.secret}`, store, T0);
      assert.throws(() => authorize(principal, 'backup'), (error: Error & { httpStatus?: number }) => error.httpStatus === 403 && /Reader/.test(error.message) && !error.message.includes(created.secret));
    });
  });
});
