import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { describe } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { writePieces } from './conformance-cases.ts';
import { assertSameBytes, keysOf, MiB, noise, rejectsWithCode, rejectsWithReason, text, type StoreTest } from './conformance-helpers.ts';

/** The writer half of the BlobStore contract (create, write, commit, abort), as tests. */
export function describeWriterConformance(test: StoreTest): void {
  describe('writers', () => {
    test('a committed object is its writes joined: many small, a few large and empty writes, 32 MiB in all', async (store) => {
      const whole = noise(32 * MiB);
      const writer = await store.create('data/ee/streamed');
      assert.deepEqual([writer.key, writer.state, writer.bytesWritten], ['data/ee/streamed', 'open', 0]);
      for (const [start, end] of writePieces(whole.length)) {
        await writer.write(whole.subarray(start, end));
        assert.equal(writer.bytesWritten, end);
      }
      await writer.commit();
      assert.equal(writer.state, 'committed');
      assertSameBytes(await store.get('data/ee/streamed'), whole);
      assert.equal((await store.stat('data/ee/streamed'))?.size, 32 * MiB);
    });

    test('nothing shows under the key until commit resolves', async (store) => {
      await store.put('config', text('config'));
      const writer = await store.create('packs/p1');
      await writer.write(noise(1000));
      await rejectsWithCode(store.get('packs/p1'), 'RepositoryBlobNotFound');
      assert.equal(await store.stat('packs/p1'), undefined);
      assert.deepEqual(await keysOf(store.list('')), ['config']);
      await writer.write(noise(24));
      const committing = writer.commit();
      assert.equal(writer.state, 'committing');
      await committing;
      assert.equal((await store.stat('packs/p1'))?.size, 1024);
      assert.deepEqual(await keysOf(store.list('')), ['config', 'packs/p1']);
    });

    test('an empty writer commits an empty object', async (store) => {
      const writer = await store.create('data/00/nothing');
      await writer.commit();
      assert.equal((await store.get('data/00/nothing')).length, 0);
    });

    test('abort leaves no object and nothing listed, may be called again, and refuses later calls', async (store) => {
      const writer = await store.create('packs/p2');
      await writer.write(noise(5000));
      await writer.abort();
      await writer.abort();
      assert.equal(writer.state, 'aborted');
      await rejectsWithCode(store.get('packs/p2'), 'RepositoryBlobNotFound');
      await rejectsWithCode(writer.write(text('late')), 'UserErrorInvalidArgument');
      await rejectsWithCode(writer.commit(), 'UserErrorInvalidArgument');
      await (await store.create('packs/p3')).abort();
      assert.deepEqual(await keysOf(store.list('')), []);
    });

    test('after commit, writes are refused, commit again does nothing and abort leaves the object', async (store) => {
      const data = noise(100);
      const writer = await store.create('index/i1');
      await writer.write(data);
      await writer.commit();
      await rejectsWithCode(writer.write(text('more')), 'UserErrorInvalidArgument');
      await writer.commit();
      await writer.abort();
      assert.equal(writer.state, 'committed');
      assertSameBytes(await store.get('index/i1'), data);
    });

    test('a writer takes one call at a time: a call made while another is under way is refused', async (store) => {
      const writer = await store.create('packs/one');
      const [first, second, commit] = [writer.write(noise(1000)), writer.write(noise(10)), writer.commit()];
      await rejectsWithCode(second, 'UserErrorInvalidArgument');
      await rejectsWithCode(commit, 'UserErrorInvalidArgument');
      await first;
      await writer.commit();
      assert.equal((await store.stat('packs/one'))?.size, 1000);
    });

    test('a caller that reuses its buffer once each write resolves does not change the object', async (store) => {
      const buffer = new Uint8Array(256 * 1024);
      const expected: Uint8Array[] = [];
      const writer = await store.create('packs/reused');
      for (let round = 0; round < 12; round += 1) {
        randomFillSync(buffer);
        const piece = buffer.subarray(0, buffer.length - round * 1000);
        expected.push(piece.slice());
        await writer.write(piece);
        buffer.fill(0xa5);
      }
      await writer.commit();
      assertSameBytes(await store.get('packs/reused'), Buffer.concat(expected));
    });

    test('of 8 writers racing to commit with ifNotExists exactly one wins, its bytes are stored and no loser shows', async (store) => {
      const candidates = Array.from({ length: 8 }, () => noise(300 * 1024));
      const writers = await Promise.all(candidates.map(() => store.create('snapshots/s1', { ifNotExists: true })));
      for (const [index, writer] of writers.entries()) {
        const data = candidates[index] as Uint8Array;
        await writer.write(data.subarray(0, 1000));
        await writer.write(data.subarray(1000));
      }
      const results = await Promise.allSettled(writers.map((writer) => writer.commit()));
      const winners = results.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []));
      assert.equal(winners.length, 1, `winners: ${winners.join(', ')}`);
      const losers = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      assert.deepEqual(losers.map((error) => (isArcaError(error) ? error.code : String(error))), Array(7).fill('RepositoryBlobExists'));
      assert.deepEqual(writers.map((writer) => writer.state).toSorted(), [...Array(7).fill('aborted'), 'committed']);
      assertSameBytes(await store.get('snapshots/s1'), candidates[winners[0] as number] as Uint8Array);
      assert.deepEqual(await keysOf(store.list('')), ['snapshots/s1']);
    });

    test('ifNotExists is checked at commit: a put that took the key meanwhile wins, and the reverse', async (store) => {
      const writer = await store.create('locks/a', { ifNotExists: true });
      await writer.write(text('writer'));
      await store.put('locks/a', text('put'), { ifNotExists: true });
      await rejectsWithCode(writer.commit(), 'RepositoryBlobExists');
      assert.equal(writer.state, 'aborted');
      assertSameBytes(await store.get('locks/a'), text('put'));

      const first = await store.create('locks/b', { ifNotExists: true });
      await first.write(text('writer'));
      await first.commit();
      await rejectsWithCode(store.put('locks/b', text('put'), { ifNotExists: true }), 'RepositoryBlobExists');
      assertSameBytes(await store.get('locks/b'), text('writer'));
    });

    test('a put and a commit racing for one key with ifNotExists: exactly one wins, whichever starts first', async (store) => {
      for (const [round, putFirst] of [true, false, true, false].entries()) {
        const key = `locks/race-${round}`;
        const [byPut, byWriter] = [noise(64 * 1024), noise(64 * 1024)];
        const writer = await store.create(key, { ifNotExists: true });
        await writer.write(byWriter);
        const racers = [() => store.put(key, byPut, { ifNotExists: true }), () => writer.commit()];
        const settled = await Promise.allSettled((putFirst ? racers : racers.toReversed()).map((start) => start()));
        const [putResult, commitResult] = putFirst ? settled : settled.toReversed();
        const outcome = [putResult, commitResult].map((result) =>
          result?.status === 'fulfilled' ? 'won' : isArcaError(result?.reason) ? result.reason.code : String(result?.reason),
        );
        assert.deepEqual(outcome.toSorted(), ['RepositoryBlobExists', 'won'], `put and commit ended ${outcome.join(' and ')}`);
        assertSameBytes(await store.get(key), putResult?.status === 'fulfilled' ? byPut : byWriter);
      }
      assert.equal((await keysOf(store.list('locks/'))).length, 4);
    });

    test('a signal that aborts aborts the writer: pending and later calls reject with its reason, nothing is stored', async (store) => {
      const reason = new Error('the backup was cancelled');
      await rejectsWithReason(store.create('packs/never', { signal: AbortSignal.abort(reason) }), reason);
      const controller = new AbortController();
      const writer = await store.create('packs/cut', { signal: controller.signal });
      await writer.write(noise(1000));
      const pending = writer.write(noise(4 * MiB));
      controller.abort(reason);
      await rejectsWithReason(pending, reason);
      await rejectsWithReason(writer.write(text('x')), reason);
      await rejectsWithReason(writer.commit(), reason);
      await writer.abort();
      assert.equal(writer.state, 'aborted');
      await rejectsWithCode(store.get('packs/cut'), 'RepositoryBlobNotFound');
      assert.deepEqual(await keysOf(store.list('')), []);
    });

    test('a signal that aborts between writes aborts the writer before it commits', async (store) => {
      const controller = new AbortController();
      const reason = new Error('shutting down');
      const writer = await store.create('packs/idle', { signal: controller.signal });
      await writer.write(noise(1000));
      controller.abort(reason);
      await rejectsWithReason(writer.commit(), reason);
      await writer.abort();
      assert.equal(writer.state, 'aborted');
      assert.equal(await store.stat('packs/idle'), undefined);
    });
  });
}
