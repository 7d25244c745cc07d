import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pseudoRandom } from '../testing/fixtures.ts';
import { readDirect } from './direct-read.ts';
import { LocalFsBlobStore } from './local-fs-blob-store.ts';

const SIZE = 9 * 1024 * 1024 + 777;
const ranges = [
  { name: 'an aligned range', offset: 0, length: 2 * 1024 * 1024 },
  { name: 'an unaligned range longer than a staging buffer', offset: 4097, length: 5 * 1024 * 1024 + 3 },
  { name: 'a range that ends at the end of the file', offset: SIZE - 1024 * 1024 - 5, length: 1024 * 1024 + 5 },
  { name: 'a range past the end, which is cut there', offset: SIZE - 1000, length: 1024 * 1024 },
];

describe('direct reads', () => {
  for (const { name, offset, length } of ranges) {
    it(`reads ${name} exactly`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'arca-direct-read-'));
      try {
        const content = pseudoRandom(21, SIZE);
        await writeFile(join(dir, 'blob'), content);
        const out = new Uint8Array(length);
        const read = await readDirect(join(dir, 'blob'), out, offset);
        const expected = content.subarray(offset, Math.min(SIZE, offset + length));
        // undefined where the file system refuses direct I/O; then the store reads through the cache
        if (read !== undefined) {
          assert.equal(read, expected.length);
          assert.ok(Buffer.from(out.subarray(0, read)).equals(Buffer.from(expected)));
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  if (existsSync('/dev/shm')) {
    it('reads tmpfs exactly, whether or not the kernel allows direct I/O there', async () => {
      const dir = await mkdtemp(join('/dev/shm', 'arca-direct-read-'));
      try {
        const store = new LocalFsBlobStore(join(dir, 'repo'), { directIo: true });
        const content = pseudoRandom(22, 3 * 1024 * 1024);
        await store.put('data/ab/blob', content);
        const head = new Uint8Array(10);
        const read = await readDirect(join(dir, 'repo', 'data', 'ab', 'blob'), head, 0);
        assert.ok(read === undefined || (read === 10 && Buffer.from(head).equals(Buffer.from(content.subarray(0, 10)))));
        const range = await store.get('data/ab/blob', { range: { offset: 12345, length: 2 * 1024 * 1024 } });
        assert.ok(Buffer.from(range).equals(Buffer.from(content.subarray(12345, 12345 + 2 * 1024 * 1024))));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it('serves large ranges of a direct-I/O store byte for byte', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arca-direct-read-'));
    try {
      const store = new LocalFsBlobStore(join(dir, 'repo'), { directIo: true });
      const content = pseudoRandom(23, SIZE);
      await store.put('data/cd/blob', content);
      for (const { offset, length } of ranges) {
        const range = await store.get('data/cd/blob', { range: { offset, length } });
        assert.ok(Buffer.from(range).equals(Buffer.from(content.subarray(offset, Math.min(SIZE, offset + length)))));
      }
      assert.ok(Buffer.from(await store.get('data/cd/blob')).equals(Buffer.from(content)), 'the whole blob');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
