/**
 * A writer that the test kills mid-put: `node killed-writer.ts ROOT KEY BYTES` starts a put of
 * BYTES bytes into a LocalFsBlobStore at ROOT, and after the first chunk reaches the disk it tells
 * its parent ("writing") and stops there, so the parent's SIGKILL always lands mid-write.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { LocalFsBlobStore } from '../local-fs-blob-store.ts';

const [root = '', key = '', bytes = '0'] = process.argv.slice(2);

type Write = (this: FileHandle, ...args: unknown[]) => Promise<unknown>;
const probe = await open(import.meta.filename, 'r');
const prototype = Object.getPrototypeOf(probe) as { write: Write };
await probe.close();
const write = prototype.write;
prototype.write = async function (this: FileHandle, ...args: unknown[]) {
  await write.apply(this, args);
  process.send?.('writing');
  return new Promise(() => undefined);
};

setInterval(() => undefined, 1 << 30);
await new LocalFsBlobStore(root).put(key, new Uint8Array(Number(bytes)).fill(7));
