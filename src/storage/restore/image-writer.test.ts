import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isArcaError } from '../../core/errors/index.ts';
import { pseudoRandom } from '../testing/fixtures.ts';
import { ImageWriter } from './image-writer.ts';

const places = [{ name: 'the temporary folder', dir: tmpdir() }, ...(existsSync('/dev/shm') ? [{ name: 'tmpfs, where direct I/O is refused', dir: '/dev/shm' }] : [])];

describe('image writer', () => {
  for (const place of places) {
    it(`writes aligned, unaligned and tail pieces exactly, into ${place.name}`, async () => {
      const dir = await mkdtemp(join(place.dir, 'arca-writer-'));
      try {
        const size = 3 * 1024 * 1024 + 1234;
        const expected = new Uint8Array(size);
        const writer = await ImageWriter.create(join(dir, 'image'), size, false);
        const pieces = [
          { at: 0, length: 1024 * 1024 },
          { at: 2 * 1024 * 1024, length: 65536 + 100 },
          { at: 1024 * 1024 + 17, length: 4000 },
          { at: 3 * 1024 * 1024, length: 1234 },
        ];
        await Promise.all(
          pieces.map(async ({ at, length }, n) => {
            const data = pseudoRandom(n + 1, length);
            expected.set(data, at);
            await writer.write(data, at);
          }),
        );
        await writer.close(true);
        const written = new Uint8Array(await readFile(join(dir, 'image')));
        assert.equal(written.length, size);
        assert.ok(Buffer.from(written).equals(Buffer.from(expected)), 'file content equals what was written, zeros elsewhere');
        assert.ok((await stat(join(dir, 'image'))).blocks * 512 < size, 'unwritten ranges stay holes');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it('refuses to replace an existing file unless forced', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arca-writer-'));
    try {
      await (await ImageWriter.create(join(dir, 'image'), 10, false)).close(false);
      await assert.rejects(ImageWriter.create(join(dir, 'image'), 10, false), (e: unknown) => isArcaError(e) && e.code === 'RestoreTargetExists');
      await (await ImageWriter.create(join(dir, 'image'), 20, true)).close(false);
      assert.equal((await stat(join(dir, 'image'))).size, 20);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
