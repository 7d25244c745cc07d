/**
 * A writer that the test kills mid-write: `node killed-writer.ts ROOT KEY BYTES [MODE] [STOP]`
 * writes BYTES bytes into a LocalFsBlobStore at ROOT, with one put (MODE `put`, the default) or
 * through a BlobWriter in 1 MiB writes (MODE `writer`). When the STOPth write to a file (default
 * the first) has reached the disk it tells its parent ("writing") and stops there, so the
 * parent's SIGKILL always lands mid-write.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { LocalFsBlobStore } from '../local-fs-blob-store.ts';

const [root = '', key = '', bytes = '0', mode = 'put', stop = '1'] = process.argv.slice(2);
const PIECE = 1 << 20;

type Write = (this: FileHandle, ...args: unknown[]) => Promise<unknown>;
const probe = await open(import.meta.filename, 'r');
const prototype = Object.getPrototypeOf(probe) as { write: Write };
await probe.close();
const write = prototype.write;
let writes = 0;
prototype.write = async function (this: FileHandle, ...args: unknown[]) {
  const result = await write.apply(this, args);
  writes += 1;
  if (writes < Number(stop)) return result;
  process.send?.('writing');
  return new Promise(() => undefined);
};

setInterval(() => undefined, 1 << 30);
const store = new LocalFsBlobStore(root);
const data = new Uint8Array(Number(bytes)).fill(7);
if (mode === 'writer') {
  const writer = await store.create(key);
  for (let offset = 0; offset < data.length; offset += PIECE) await writer.write(data.subarray(offset, offset + PIECE));
  await writer.commit();
} else {
  await store.put(key, data);
}
