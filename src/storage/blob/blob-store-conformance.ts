import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import type { BlobStore } from './blob-store.ts';
import { describeWriterConformance } from './blob-writer-conformance.ts';
import { INVALID_KEYS, INVALID_PREFIXES, RANGES } from './conformance-cases.ts';
import { assertSameBytes, collect, keysOf, MiB, noise, observe, rejectsWithCode, text, type StoreTest } from './conformance-helpers.ts';
import { sameBytes } from './same-bytes.ts';

export interface BlobStoreFixture {
  readonly store: BlobStore;
  cleanup(): Promise<void>;
}

/**
 * The BlobStore contract as tests, run against every implementation and wrapper. `factory` gives
 * a fresh, empty store per test and a way to throw it away.
 */
export function describeBlobStoreConformance(name: string, factory: () => Promise<BlobStoreFixture>): void {
  const test: StoreTest = (title, body) =>
    it(title, async () => {
      const { store, cleanup } = await factory();
      try {
        await body(store);
      } finally {
        await cleanup();
      }
    });

  describe(`BlobStore conformance: ${name}`, () => {
    test('names where it lives', async (store) => {
      assert.equal(typeof store.location, 'string');
      assert.ok(store.location.length > 0);
    });

    describe('put and read-after-write', () => {
      test('get, stat and list see an object as soon as put resolves', async (store) => {
        const data = noise(1000);
        await store.put('config', data);
        assertSameBytes(await store.get('config'), data);
        const info = await store.stat('config');
        assert.equal(info?.key, 'config');
        assert.equal(info?.size, 1000);
        if (info?.modified !== undefined) assert.ok(info.modified instanceof Date && !Number.isNaN(info.modified.getTime()));
        assert.deepEqual((await collect(store.list(''))).map((i) => [i.key, i.size]), [['config', 1000]]);
      });

      test('put without ifNotExists replaces an object whole', async (store) => {
        await store.put('index/a', noise(5000));
        const second = noise(10);
        await store.put('index/a', second);
        assertSameBytes(await store.get('index/a'), second);
        assert.equal((await store.stat('index/a'))?.size, 10);
      });

      test('a reader sees no object or a whole object, never part of one, while puts run', async (store) => {
        const versions = [new Uint8Array(4 * MiB).fill(1), new Uint8Array(4 * MiB).fill(2)];
        for (const [index, version] of versions.entries()) {
          const put = { settled: false };
          const writing = store.put('data/ab/whole', version).finally(() => (put.settled = true));
          let reads = 0;
          do {
            const seen = await observe(() => store.get('data/ab/whole'));
            reads += 1;
            const allowed = index === 0 ? [undefined, versions[0]] : versions;
            const ok = allowed.some((whole) => (whole === undefined ? seen === undefined : seen !== undefined && sameBytes(seen, whole)));
            assert.ok(ok, `read ${reads} saw ${seen?.length ?? 'no'} bytes that are not a whole version`);
          } while (!put.settled);
          await writing;
          assertSameBytes(await store.get('data/ab/whole'), version);
        }
      });

      test('put with ifNotExists on a taken key fails with RepositoryBlobExists and keeps the old bytes', async (store) => {
        const first = text('first');
        await store.put('locks/one', first, { ifNotExists: true });
        await rejectsWithCode(store.put('locks/one', text('second'), { ifNotExists: true }), 'RepositoryBlobExists');
        assertSameBytes(await store.get('locks/one'), first);
      });

      test('of 8 racing ifNotExists puts exactly one wins, its bytes are stored and no loser shows', async (store) => {
        const candidates = Array.from({ length: 8 }, () => noise(256 * 1024));
        const results = await Promise.allSettled(candidates.map((data) => store.put('snapshots/s1', data, { ifNotExists: true })));
        const winners = results.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []));
        assert.equal(winners.length, 1, `winners: ${winners.join(', ')}`);
        const losers = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
        assert.deepEqual(losers.map((error) => (isArcaError(error) ? error.code : String(error))), Array(7).fill('RepositoryBlobExists'));
        assertSameBytes(await store.get('snapshots/s1'), candidates[winners[0] as number] as Uint8Array);
        assert.deepEqual(await keysOf(store.list('')), ['snapshots/s1']);
      });

      test('stored bytes do not change when the caller changes its buffers', async (store) => {
        const data = text('original');
        await store.put('keys/k', data);
        data.fill(0);
        const read = await store.get('keys/k');
        read.fill(0);
        assertSameBytes(await store.get('keys/k'), text('original'));
      });

      test('an empty blob is stored, read back and listed with size 0', async (store) => {
        await store.put('data/00/empty', new Uint8Array(0));
        assert.equal((await store.get('data/00/empty')).length, 0);
        assert.equal((await store.stat('data/00/empty'))?.size, 0);
        assert.deepEqual((await collect(store.list('data/'))).map((i) => i.size), [0]);
      });

      test('a 32 MiB blob is stored and read back, whole and by a range across MiB boundaries', async (store) => {
        const big = noise(32 * MiB);
        await store.put('data/ff/big', big);
        assertSameBytes(await store.get('data/ff/big'), big);
        const slice = await store.get('data/ff/big', { range: { offset: MiB - 10, length: 3 * MiB } });
        assertSameBytes(slice, big.subarray(MiB - 10, 4 * MiB - 10));
        assert.equal((await store.stat('data/ff/big'))?.size, 32 * MiB);
      });
    });

    describe('get and ranges', () => {
      test('get of a missing key fails with RepositoryBlobNotFound naming the key; stat gives undefined', async (store) => {
        await assert.rejects(store.get('data/12/missing'), (error: unknown) => {
          assert.ok(isArcaError(error) && error.code === 'RepositoryBlobNotFound', String(error));
          assert.equal(error.params.key, 'data/12/missing');
          return true;
        });
        await rejectsWithCode(store.get('data/12/missing', { range: { offset: 0, length: 1 } }), 'RepositoryBlobNotFound');
        assert.equal(await store.stat('data/12/missing'), undefined);
      });

      for (const range of RANGES) {
        test(range.name, async (store) => {
          const data = noise(100);
          await store.put('packs/p', data);
          const read = await store.get('packs/p', { range: { offset: range.offset, length: range.length } });
          assertSameBytes(read, data.subarray(...range.expect));
        });
      }

      test('a negative or fractional range is refused as an invalid argument', async (store) => {
        await store.put('packs/p', noise(10));
        for (const range of [{ offset: -1, length: 2 }, { offset: 0, length: -2 }, { offset: 0.5, length: 2 }]) {
          await rejectsWithCode(store.get('packs/p', { range }), 'UserErrorInvalidArgument');
        }
      });
    });

    describe('list', () => {
      const KEYS = ['config', 'data/3a/3a01', 'data/3f/3f9a', 'data/3f/3f9b', 'data/40/40aa', 'index/i1', 'snapshots/2025/01/s1'];
      const seeded = (title: string, body: (store: BlobStore) => Promise<void>) =>
        test(title, async (store) => {
          for (const [index, key] of KEYS.entries()) await store.put(key, noise(index + 1));
          await body(store);
        });

      seeded('an empty prefix lists every key exactly once with its size', async (store) => {
        const found = await collect(store.list(''));
        assert.deepEqual(found.map((i) => i.key).toSorted(), KEYS);
        for (const info of found) assert.equal(info.size, KEYS.indexOf(info.key) + 1, info.key);
      });

      seeded('a folder prefix lists the keys under it at any depth', async (store) => {
        assert.deepEqual(await keysOf(store.list('data/')), ['data/3a/3a01', 'data/3f/3f9a', 'data/3f/3f9b', 'data/40/40aa']);
        assert.deepEqual(await keysOf(store.list('snapshots/')), ['snapshots/2025/01/s1']);
      });

      seeded('a prefix that ends mid-name lists the keys that start with it', async (store) => {
        assert.deepEqual(await keysOf(store.list('data/3')), ['data/3a/3a01', 'data/3f/3f9a', 'data/3f/3f9b']);
        assert.deepEqual(await keysOf(store.list('data/3f/3f9')), ['data/3f/3f9a', 'data/3f/3f9b']);
        assert.deepEqual(await keysOf(store.list('dat')), ['data/3a/3a01', 'data/3f/3f9a', 'data/3f/3f9b', 'data/40/40aa']);
      });

      seeded('a prefix equal to a key lists that key', async (store) => {
        assert.deepEqual(await keysOf(store.list('config')), ['config']);
        assert.deepEqual(await keysOf(store.list('data/3f/3f9a')), ['data/3f/3f9a']);
      });

      seeded('a prefix nothing starts with lists nothing', async (store) => {
        assert.deepEqual(await keysOf(store.list('zzz/')), []);
        assert.deepEqual(await keysOf(store.list('data/99')), []);
        assert.deepEqual(await keysOf(store.list('config/x')), []);
      });

      for (const prefix of INVALID_PREFIXES) {
        test(`the prefix "${prefix}" is refused as an invalid argument`, async (store) => {
          await rejectsWithCode(collect(store.list(prefix)), 'UserErrorInvalidArgument');
        });
      }
    });

    describe('delete', () => {
      test('delete removes an object from get, stat and list, and deleting it again succeeds', async (store) => {
        await store.put('data/aa/one', noise(3));
        await store.put('data/aa/two', noise(3));
        await store.delete('data/aa/one');
        await rejectsWithCode(store.get('data/aa/one'), 'RepositoryBlobNotFound');
        assert.equal(await store.stat('data/aa/one'), undefined);
        assert.deepEqual(await keysOf(store.list('')), ['data/aa/two']);
        await store.delete('data/aa/one');
        await store.delete('never/there');
      });
    });

    describe('invalid keys', () => {
      for (const [key, what] of INVALID_KEYS) {
        test(`${what} is refused by put, get, stat, delete and create`, async (store) => {
          await rejectsWithCode(store.put(key, text('x')), 'UserErrorInvalidArgument');
          await rejectsWithCode(store.create(key), 'UserErrorInvalidArgument');
          await rejectsWithCode(store.put(key, text('x'), { ifNotExists: true }), 'UserErrorInvalidArgument');
          await rejectsWithCode(store.get(key), 'UserErrorInvalidArgument');
          await rejectsWithCode(store.stat(key), 'UserErrorInvalidArgument');
          await rejectsWithCode(store.delete(key), 'UserErrorInvalidArgument');
          assert.deepEqual(await keysOf(store.list('')), []);
        });
      }
    });

    describe('abort', () => {
      test('every call given an aborted signal rejects with its reason, and put writes nothing', async (store) => {
        await store.put('present', text('here'));
        const controller = new AbortController();
        const reason = new Error('the caller gave up');
        controller.abort(reason);
        const { signal } = controller;
        const isReason = (error: unknown) => error === reason;
        await assert.rejects(store.put('absent', text('x'), { signal }), isReason);
        await assert.rejects(store.put('absent', text('x'), { signal, ifNotExists: true }), isReason);
        await assert.rejects(store.get('present', { signal }), isReason);
        await assert.rejects(store.stat('present', { signal }), isReason);
        await assert.rejects(collect(store.list('', { signal })), isReason);
        await assert.rejects(store.delete('present', { signal }), isReason);
        await assert.rejects(store.create('absent', { signal }), isReason);
        assert.equal(await store.stat('absent'), undefined);
        assert.deepEqual(await keysOf(store.list('')), ['present']);
      });
    });

    describeWriterConformance(test);
  });
}
