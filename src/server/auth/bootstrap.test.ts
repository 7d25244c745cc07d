import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ADMIN_TOKEN_FILE, bootstrapAdminToken } from './bootstrap.ts';
import { listTokens, revokeToken, verifyToken } from './tokens.ts';
import { plus, T0, withStore } from './test-support.ts';

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'arca-bootstrap-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('bootstrapAdminToken', () => {
  it('on first start writes an Owner secret to admin-token, mode 0600, that verifies', async () => {
    await withStore((store) =>
      withDir(async (dir) => {
        const dataDir = join(dir, 'data');
        const result = await bootstrapAdminToken(store, { now: T0, dataDir });
        assert.equal(result?.path, join(dataDir, ADMIN_TOKEN_FILE));
        assert.equal((await stat(result.path)).mode & 0o777, 0o600);
        const secret = (await readFile(result.path, 'utf8')).trim();
        assert.equal(secret, result.secret);
        assert.equal((await verifyToken(store, secret, plus(1))).role, 'Owner');
      }),
    );
  });

  it('does nothing while a usable Owner token exists, and again once all are revoked', async () => {
    await withStore(async (store) => {
      const first = await bootstrapAdminToken(store, { now: T0 });
      assert.ok(first !== undefined && first.path === undefined);
      assert.equal(await bootstrapAdminToken(store, { now: plus(1) }), undefined);
      await revokeToken(store, first.tokenId, plus(2));
      const second = await bootstrapAdminToken(store, { now: plus(3) });
      assert.ok(second !== undefined && second.tokenId !== first.tokenId);
      assert.equal((await listTokens(store, { role: 'Owner' })).length, 2);
    });
  });

  it('replaces an older admin-token file with a 0600 one even if the old one was world-readable', async () => {
    await withStore((store) =>
      withDir(async (dir) => {
        await writeFile(join(dir, ADMIN_TOKEN_FILE), 'old\n', { mode: 0o644 });
        const result = await bootstrapAdminToken(store, { now: T0, dataDir: dir });
        assert.ok(result?.path !== undefined);
        assert.equal((await stat(result.path)).mode & 0o777, 0o600);
        assert.equal((await readFile(result.path, 'utf8')).trim(), result.secret);
      }),
    );
  });

  it('adopts an install-time secret (ARCA_BOOTSTRAP_TOKEN) without writing a file', async () => {
    await withStore((store) =>
      withDir(async (dir) => {
        const secret = 'my-install-time-owner-secret-0123456789';
        const result = await bootstrapAdminToken(store, { now: T0, dataDir: dir, secret });
        assert.equal(result?.path, undefined);
        assert.equal((await verifyToken(store, secret, T0)).role, 'Owner');
        await assert.rejects(stat(join(dir, ADMIN_TOKEN_FILE)), { code: 'ENOENT' });
      }),
    );
  });

  it('when the file cannot be written, revokes the token it created and fails', async () => {
    await withStore((store) =>
      withDir(async (dir) => {
        const notADir = join(dir, 'file');
        await writeFile(notADir, '');
        await assert.rejects(bootstrapAdminToken(store, { now: T0, dataDir: notADir }));
        const owners = await listTokens(store, { role: 'Owner' });
        assert.equal(owners.length, 1);
        assert.ok(owners[0]?.revoked !== undefined);
      }),
    );
  });
});
