import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { pseudoRandom } from '../testing/fixtures.ts';
import { ImageTarget } from './image-target.ts';
import { SPARSE_BLOCK, SparseWriter } from './sparse-writer.ts';

const places = [{ name: 'the temporary folder', dir: tmpdir() }, ...(existsSync('/dev/shm') ? [{ name: 'tmpfs, where direct I/O is refused', dir: '/dev/shm' }] : [])];

describe('sparse writer', () => {
  for (const place of places) {
    it(`writes aligned, unaligned and tail pieces exactly and leaves zero blocks as holes, into ${place.name}`, async () => {
      const dir = await mkdtemp(join(place.dir, 'arca-writer-'));
      try {
        const size = 5 * 1024 * 1024 + 1234;
        const expected = new Uint8Array(size);
        const target = await ImageTarget.create(join(dir, 'image'), size, false);
        const zeroInside = pseudoRandom(9, 4 * SPARSE_BLOCK);
        zeroInside.fill(0, SPARSE_BLOCK, 3 * SPARSE_BLOCK);
        const pieces = [
          { at: 0, data: pseudoRandom(1, 1024 * 1024) },
          { at: 2 * 1024 * 1024, data: pseudoRandom(2, 65536 + 100) },
          { at: 1024 * 1024 + 17, data: pseudoRandom(3, 4000) },
          { at: 3 * 1024 * 1024, data: zeroInside },
          { at: 4 * 1024 * 1024, data: new Uint8Array(1024 * 1024) },
          { at: 5 * 1024 * 1024, data: pseudoRandom(4, 1234) },
        ];
        // Two writers, as two worker threads would have.
        const writers = [await SparseWriter.open(target.path), await SparseWriter.open(target.path)];
        const written = await Promise.all(
          pieces.map(async ({ at, data }, n) => {
            expected.set(data, at);
            return (writers[n % 2] as SparseWriter).write(data, at);
          }),
        );
        assert.deepEqual(written, [1024 * 1024, 65536 + 100, 4000, 2 * SPARSE_BLOCK, 0, 1234], 'zero blocks are not written');
        await Promise.all(writers.map((w) => w.close()));
        await target.close(true);
        const content = new Uint8Array(await readFile(join(dir, 'image')));
        assert.equal(content.length, size);
        assert.ok(Buffer.from(content).equals(Buffer.from(expected)), 'file content equals what was written, zeros elsewhere');
        assert.ok((await stat(join(dir, 'image'))).blocks * 512 < 3 * 1024 * 1024, 'zero blocks and unwritten ranges stay holes');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it('reports a target it cannot open as a TargetWriteError', async () => {
    await assert.rejects(SparseWriter.open(join(tmpdir(), 'arca-no-such-folder', 'image')), (e: unknown) => (e as Error).name === 'TargetWriteError');
  });
});

describe('image target', () => {
  it('refuses to replace an existing file unless forced', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arca-writer-'));
    try {
      await (await ImageTarget.create(join(dir, 'image'), 10, false)).close(false);
      await assert.rejects(ImageTarget.create(join(dir, 'image'), 10, false), (e: unknown) => isArcaError(e) && e.code === 'RestoreTargetExists');
      await (await ImageTarget.create(join(dir, 'image'), 20, true)).close(false);
      assert.equal((await stat(join(dir, 'image'))).size, 20);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
