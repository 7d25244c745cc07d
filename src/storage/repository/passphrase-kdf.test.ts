import assert from 'node:assert/strict';
import { hkdfSync, randomBytes, scryptSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { systemClock } from '../../platform/system-clock.ts';
import { MemoryBlobStore } from '../blob/memory-blob-store.ts';
import { roleAad, seal } from '../crypto/aead.ts';
import { TEST_PASSPHRASE, TEST_SCRYPT } from '../testing/fixtures.ts';
import { isScryptKdf, stretch, stretchAhead, stretchFor, type ScryptKdf } from './passphrase-kdf.ts';
import { Repository } from './repository.ts';
import { unlockAhead } from './unlock-ahead.ts';

const salt = randomBytes(16).toString('base64');
const lanes = (p: number): ScryptKdf => ({ name: 'scrypt-lanes', salt, N: 2 ** 10, r: 8, p });

describe('passphrase stretching', () => {
  it('derives the same key for the same passphrase and lanes, and another for anything else', async () => {
    const key = await stretch('one phrase', lanes(2));
    assert.equal(key.length, 32);
    assert.deepEqual(await stretch('one phrase', lanes(2)), key);
    assert.notDeepEqual(await stretch('another phrase', lanes(2)), key);
    assert.notDeepEqual(await stretch('one phrase', lanes(3)), key);
    assert.notDeepEqual(await stretch('one phrase', { ...lanes(2), name: 'scrypt' }), key);
  });

  it('is HKDF-SHA256 over one scrypt per lane, each over the salt followed by the lane number (the documented format)', async () => {
    const raw = Buffer.from(salt, 'base64');
    const lane = (n: number) => scryptSync('phrase', Buffer.concat([raw, Uint8Array.of(n)]), 32, { N: 2 ** 10, r: 8, p: 1 });
    const expected = Buffer.from(hkdfSync('sha256', Buffer.concat([lane(0), lane(1), lane(2)]), raw, 'arca/v1/kek-lanes', 32));
    assert.deepEqual(Buffer.from(await stretch('phrase', lanes(3))), expected);
  });

  it('stretches the earlier kind of key file (one scrypt call with p lanes) exactly as scrypt does', async () => {
    const kdf: ScryptKdf = { name: 'scrypt', salt, N: 2 ** 10, r: 8, p: 2 };
    const expected = scryptSync('phrase', Buffer.from(salt, 'base64'), 32, { N: 2 ** 10, r: 8, p: 2 });
    assert.deepEqual(Buffer.from(await stretch('phrase', kdf)), expected);
  });

  it('takes a stretch started ahead once, and only for the same passphrase', async () => {
    const kdf = lanes(2);
    stretchAhead(kdf, 'right phrase');
    assert.deepEqual(await stretchFor(kdf, 'other phrase'), await stretch('other phrase', kdf));
    const first = stretchFor(kdf, 'right phrase');
    assert.deepEqual(await first, await stretch('right phrase', kdf));
    // Taken: the next call stretches again (and still gets the same key).
    assert.notEqual(stretchFor(kdf, 'right phrase'), first);
  });

  it('accepts only the kinds it knows, within bounds', () => {
    assert.equal(isScryptKdf(lanes(2)), true);
    assert.equal(isScryptKdf({ ...lanes(2), name: 'argon2' }), false);
    assert.equal(isScryptKdf({ ...lanes(2), N: 2 ** 21 }), false);
    assert.equal(isScryptKdf({ ...lanes(2), p: 0 }), false);
    assert.equal(isScryptKdf(null), false);
  });
});

describe('key files of both kinds', () => {
  it('writes new key files with lanes and still opens one of the earlier kind', async () => {
    const store = new MemoryBlobStore();
    const repo = await Repository.init(store, { passphrase: TEST_PASSPHRASE, clock: systemClock, scrypt: TEST_SCRYPT });
    const [created] = await repo.listKeys();
    const file = JSON.parse(new TextDecoder().decode(await store.get(`keys/${created?.id}`))) as { kdf: ScryptKdf };
    assert.equal(file.kdf.name, 'scrypt-lanes');

    // An earlier key file for the same master key, then the new one removed.
    const master = (await import('./key-file.ts')).unwrapMasterKey(file as never, TEST_PASSPHRASE);
    const oldSalt = randomBytes(16);
    const kek = scryptSync('old kind', oldSalt, 32, { N: 2 ** 10, r: 8, p: 2 });
    const old = { version: 1, kind: 'passphrase', created: new Date().toISOString(), kdf: { name: 'scrypt', salt: oldSalt.toString('base64'), N: 2 ** 10, r: 8, p: 2 }, wrapped: Buffer.from(seal(kek, (await master) as Uint8Array, roleAad('master-key'))).toString('base64') };
    await store.put('keys/00000000000000aa', new TextEncoder().encode(JSON.stringify(old)));
    await repo.removeKey(created?.id ?? '');
    const reopened = await Repository.open(store, { passphrase: 'old kind', clock: systemClock });
    assert.equal(reopened.config.id, repo.config.id);
  });

  it('unlockAhead ignores what it cannot use and leaves the error to open', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arca-unlock-'));
    try {
      unlockAhead(join(dir, 'missing'), 'x');
      await mkdir(join(dir, 'keys'));
      await writeFile(join(dir, 'keys', 'junk'), '{not json');
      unlockAhead(dir, 'x');
      await writeFile(join(dir, 'keys', 'junk'), JSON.stringify({ kdf: { name: 'scrypt-lanes', salt, N: 2 ** 30, r: 8, p: 2 } }));
      unlockAhead(dir, 'x');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
