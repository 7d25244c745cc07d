import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArcaError, isArcaError } from '../../core/errors/index.ts';
import { chunkId } from '../../storage/crypto/keys.ts';
import { HOLE } from '../../storage/points/ref-list.ts';
import { withReadRetries, type PointReader } from './vault-point-reader.ts';
import { writeBackDisk } from './write-back.ts';

const CHUNK = 64 * 1024;
const KEY = new Uint8Array(randomBytes(32));

/** A recovery point held in memory (chunks by position, undefined for a hole), counting what is fetched. */
function pointOf(chunks: readonly (Uint8Array | undefined)[], size: number): PointReader & { fetched: number[] } {
  const ids = chunks.map((data) => (data === undefined ? HOLE : chunkId(KEY, data)));
  const fetched: number[] = [];
  return {
    fetched,
    layout: { pointId: 'p1', disks: [{ name: 'data', size, chunkSize: CHUNK, chunkCount: chunks.length, refPieces: 1 }] },
    idOf: (data) => chunkId(KEY, data),
    refPiece: async () => Buffer.concat(ids),
    chunk: async (_disk, i, id) => {
      fetched.push(i);
      assert.ok(Buffer.from(id).equals(ids[i] as Uint8Array), `chunk ${i} asked with the id its list gives`);
      return chunks[i] as Uint8Array;
    },
    close: () => undefined,
  };
}

describe('writing a disk back from a vault-tier point: only the chunks that differ', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arca-write-back-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves equal chunks alone, fetches and writes changed ones, zeroes data over a hole, and cuts the file to the point\'s length', async () => {
    const a = new Uint8Array(randomBytes(CHUNK));
    const c = new Uint8Array(randomBytes(CHUNK / 2)); // the last chunk is short
    const size = 2 * CHUNK + c.length;
    const point = pointOf([a, undefined, c], size);
    const disk = join(dir, 'disk.img');
    await writeFile(disk, Buffer.concat([a, randomBytes(CHUNK), randomBytes(c.length), randomBytes(1000)]));

    const result = await writeBackDisk(point, { path: disk, pointDisk: 0, name: 'data', vmName: 'vm1' });
    assert.deepEqual(result, { bytesWritten: CHUNK + c.length, bytesUnchanged: CHUNK, chunksWritten: 2, chunksUnchanged: 1 });
    assert.deepEqual(point.fetched, [2], 'only the changed stored chunk came from the vault; the hole needed nothing');
    assert.deepEqual(await readFile(disk), Buffer.concat([a, Buffer.alloc(CHUNK), c]));

    const again = await writeBackDisk(point, { path: disk, pointDisk: 0, name: 'data', vmName: 'vm1' });
    assert.deepEqual(again, { bytesWritten: 0, bytesUnchanged: size, chunksWritten: 0, chunksUnchanged: 3 }, 'a disk equal to the point is only read');
  });

  it('extends a shorter image file: the new tail is compared as zeros', async () => {
    const b = new Uint8Array(randomBytes(CHUNK));
    const point = pointOf([undefined, b], 2 * CHUNK);
    const disk = join(dir, 'short.img');
    await writeFile(disk, Buffer.alloc(100));
    const result = await writeBackDisk(point, { path: disk, pointDisk: 0, name: 'data', vmName: 'vm1' });
    assert.deepEqual(result, { bytesWritten: CHUNK, bytesUnchanged: CHUNK, chunksWritten: 1, chunksUnchanged: 1 });
    assert.deepEqual(await readFile(disk), Buffer.concat([Buffer.alloc(CHUNK), b]));
  });

  it('refuses a disk the point does not have, with its code', async () => {
    const point = pointOf([undefined], CHUNK);
    await assert.rejects(
      writeBackDisk(point, { path: join(dir, 'disk.img'), pointDisk: 3, name: 'data', vmName: 'vm1' }),
      (error: unknown) => isArcaError(error) && error.code === 'RestoreReadOutsidePoint',
    );
  });

  it("refuses a point disk that is not the task's disk, before writing anything", async () => {
    const disk = join(dir, 'named.img');
    const data = new Uint8Array(randomBytes(CHUNK));
    await writeFile(disk, data);
    const point = pointOf([new Uint8Array(CHUNK)], CHUNK);
    await assert.rejects(
      writeBackDisk(point, { path: disk, pointDisk: 0, name: 'os', vmName: 'vm1' }),
      (error: unknown) => isArcaError(error) && error.code === 'RestoreReadOutsidePoint' && /the point has data there/.test(error.message),
    );
    assert.ok((await readFile(disk)).equals(data), 'the disk is untouched');
    // The point names a disk by its snapshot file, `<disk>.img`: that is the same disk.
    const snapshotNamed = { ...point, layout: { ...point.layout, disks: [{ ...point.layout.disks[0], name: 'os.img' }] } } as typeof point;
    assert.equal((await writeBackDisk(snapshotNamed, { path: disk, pointDisk: 0, name: 'os', vmName: 'vm1' })).chunksWritten, 1);
  });
});

const transient = () => new ArcaError('RepositoryStoreUnavailable', { operation: 'get', key: 'k', reason: 'connection reset' });

describe('reading a vault point again after a retryable failure', () => {
  const quick = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 };

  it('tries again after retryable errors, waiting longer each time, and gives up after the last try', async () => {
    const waits: number[] = [];
    let calls = 0;
    const answer = await withReadRetries(async () => {
      calls += 1;
      if (calls < 3) throw transient();
      return 'read';
    }, { ...quick, sleep: async (ms) => void waits.push(ms) });
    assert.equal(answer, 'read');
    assert.deepEqual(waits, [50, 100]);
    calls = 0;
    await assert.rejects(withReadRetries(async () => {
      calls += 1;
      throw transient();
    }, { ...quick, sleep: async () => undefined }), (error: unknown) => isArcaError(error) && error.code === 'RepositoryStoreUnavailable');
    assert.equal(calls, 3);
  });

  it('does not try again after a permanent error', async () => {
    let calls = 0;
    await assert.rejects(withReadRetries(async () => {
      calls += 1;
      throw new ArcaError('RestoreReadNoOpenTask', { machineId: 'm', point: 'p' });
    }, { ...quick, sleep: async () => undefined }), (error: unknown) => isArcaError(error) && error.code === 'RestoreReadNoOpenTask');
    assert.equal(calls, 1);
  });
});
