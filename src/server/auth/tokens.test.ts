import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteMetadataStore } from '../persistence/index.ts';
import { hashSecret } from './secrets.ts';
import { TOKENS } from './token-record.ts';
import { createToken, listTokens, revokeToken, verifyToken } from './tokens.ts';
import { HOUR, plus, rejectsWith, T0, withStore } from './test-support.ts';

describe('tokens', () => {
  it('round trip: a created secret verifies to its principal', async () => {
    await withStore(async (store) => {
      const created = await createToken(store, { name: 'ops team', role: 'BackupOperator', now: T0 });
      assert.match(created.secret, /^arca_[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(created.secret.slice(5), 'base64url').length, 32);
      assert.deepEqual(await verifyToken(store, created.secret, plus(1)), { tokenId: created.id, name: 'ops team', role: 'BackupOperator' });
    });
  });

  it('an Agent token carries its machine id into the principal', async () => {
    await withStore(async (store) => {
      const created = await createToken(store, { name: 'agent vm1', role: 'Agent', machineId: 'vm1', now: T0 });
      assert.equal((await verifyToken(store, created.secret, T0)).machineId, 'vm1');
    });
  });

  it('stores only the SHA-256 of the secret, never the secret itself', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'arca-auth-'));
    const path = join(folder, 'metadata.db');
    try {
      const store = SqliteMetadataStore.open(path);
      const created = await createToken(store, { name: 'ci', role: 'Reader', now: T0 });
      const record = await store.get(TOKENS, created.id);
      const stored = JSON.stringify(record);
      assert.ok(!stored.includes(created.secret), 'the record holds the secret');
      assert.ok(!stored.includes(created.secret.slice(5)), 'the record holds the secret without its prefix');
      assert.equal((record?.data as { hash: string } | undefined)?.hash, hashSecret(created.secret));
      await store.close();
      const db = new DatabaseSync(path, { readOnly: true });
      const everything = JSON.stringify(db.prepare('SELECT * FROM records').all());
      db.close();
      assert.ok(everything.includes(hashSecret(created.secret)) && !everything.includes(created.secret.slice(5)), 'the database holds the secret');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('a wrong secret, an empty one and one of the wrong shape are all refused alike', async () => {
    await withStore(async (store) => {
      const created = await createToken(store, { name: 'ci', role: 'Reader', now: T0 });
      const wrong = `${created.secret.slice(0, -1)}${created.secret.endsWith('A') ? 'B' : 'A'}`;
      await rejectsWith(verifyToken(store, wrong, T0), 'InvalidAuthenticationToken', 'unknown', wrong);
      await rejectsWith(verifyToken(store, '', T0), 'InvalidAuthenticationToken', 'unknown');
      await rejectsWith(verifyToken(store, 'x'.repeat(1000), T0), 'InvalidAuthenticationToken', 'unknown');
    });
  });

  it('an expired token is refused from its expiry on, with 401', async () => {
    await withStore(async (store) => {
      const created = await createToken(store, { name: 'temp', role: 'Reader', expiresAt: plus(HOUR), now: T0 });
      assert.equal((await verifyToken(store, created.secret, plus(HOUR - 1))).role, 'Reader');
      await rejectsWith(verifyToken(store, created.secret, plus(HOUR)), 'InvalidAuthenticationToken', 'expired', created.secret);
    });
  });

  it('a revoked token is refused; revoking again or an unknown id is harmless', async () => {
    await withStore(async (store) => {
      const created = await createToken(store, { name: 'old', role: 'Owner', now: T0 });
      assert.equal(await revokeToken(store, created.id, plus(1)), true);
      await rejectsWith(verifyToken(store, created.secret, plus(2)), 'InvalidAuthenticationToken', 'revoked', created.secret);
      assert.equal(await revokeToken(store, created.id, plus(3)), true);
      assert.equal(await revokeToken(store, 'tok-none', plus(3)), false);
      assert.deepEqual((await listTokens(store))[0]?.revoked, plus(1));
    });
  });

  it('lists tokens with their times and without secrets or hashes; lastUsed kept to the minute', async () => {
    await withStore(async (store) => {
      const a = await createToken(store, { name: 'a', role: 'Reader', now: T0 });
      await createToken(store, { name: 'b', role: 'Owner', expiresAt: plus(HOUR), now: T0 });
      await verifyToken(store, a.secret, plus(1000));
      await verifyToken(store, a.secret, plus(2000));
      const listed = await listTokens(store);
      assert.equal(listed.length, 2);
      assert.ok(!JSON.stringify(listed).includes('hash') && !JSON.stringify(listed).includes(a.secret));
      const first = listed.find((t) => t.id === a.id);
      assert.deepEqual(first, { id: a.id, name: 'a', role: 'Reader', created: T0, lastUsed: plus(1000) });
      assert.deepEqual((await listTokens(store, { role: 'Owner' })).map((t) => [t.name, t.expires]), [['b', plus(HOUR)]]);
      await verifyToken(store, a.secret, plus(61_000));
      assert.deepEqual((await listTokens(store, { role: 'Reader' }))[0]?.lastUsed, plus(61_000));
    });
  });

  const invalid: [string, Parameters<typeof createToken>[1]][] = [
    ['an unknown role', { name: 'x', role: 'Admin' as 'Owner', now: T0 }],
    ['an Agent token without a machine id', { name: 'x', role: 'Agent', now: T0 }],
    ['a machine id on a user token', { name: 'x', role: 'Reader', machineId: 'vm1', now: T0 }],
    ['an expiry in the past', { name: 'x', role: 'Reader', expiresAt: plus(-1), now: T0 }],
    ['an empty name', { name: ' ', role: 'Reader', now: T0 }],
  ];
  for (const [what, request] of invalid) {
    it(`refuses to create a token with ${what}`, async () => {
      await withStore(async (store) => {
        await rejectsWith(createToken(store, request), 'UserErrorInvalidArgument');
        assert.deepEqual(await listTokens(store), []);
      });
    });
  }
});
