import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { describeBlobStoreConformance } from '../src/storage/blob/blob-store-conformance.ts';
import type { BlobStore, CallOptions, GetOptions, PutOptions } from '../src/storage/blob/blob-store.ts';
import { LocalFsBlobStore } from '../src/storage/blob/local-fs-blob-store.ts';
import { RetryingBlobStore } from '../src/storage/blob/retrying-blob-store.ts';
import { newConfig } from '../src/storage/repository/config.ts';
import { deriveKeys, newMasterKey } from '../src/storage/crypto/keys.ts';
import { UploadChannelServer } from './support/upload-channel-server.ts';

/**
 * The BlobStore contract over HTTPS: HttpBlobStore against the real upload-channel routes, each
 * test on a fresh LocalFs folder behind the server. The suite uses keys and calls a backup's rules
 * forbid (overwrites, `keys/`, `locks/`, deletes of anything), so the routes run here with rules
 * that allow every key: what is tested is the transport (streaming, atomicity, ranges, errors,
 * aborts); the backup's rules are tested in upload-channel.test.ts.
 */
class SwitchableStore implements BlobStore {
  target: BlobStore = new LocalFsBlobStore(join(tmpdir(), 'unused'));
  get location() {
    return this.target.location;
  }
  put(key: string, data: Uint8Array, options?: PutOptions) {
    return this.target.put(key, data, options);
  }
  get(key: string, options?: GetOptions) {
    return this.target.get(key, options);
  }
  stat(key: string, options?: CallOptions) {
    return this.target.stat(key, options);
  }
  list(prefix: string, options?: CallOptions) {
    return this.target.list(prefix, options);
  }
  delete(key: string, options?: CallOptions) {
    return this.target.delete(key, options);
  }
  create(key: string, options?: PutOptions) {
    return this.target.create(key, options);
  }
}

const behind = new SwitchableStore();
let server: UploadChannelServer;
before(async () => {
  server = await UploadChannelServer.start({
    store: behind,
    repository: { keys: deriveKeys(newMasterKey()), config: newConfig('0'.repeat(32), new Date()) },
    rules: { refusal: () => undefined },
    machines: [{ open: true }],
  });
});
after(() => server.close());

async function fresh(retrying: boolean) {
  const root = await mkdtemp(join(tmpdir(), 'arca-http-blob-'));
  behind.target = new LocalFsBlobStore(join(root, 'repo'));
  const http = server.client(server.machines[0] as (typeof server.machines)[0]);
  return {
    store: retrying ? new RetryingBlobStore(http, { sleep: async () => undefined }) : http,
    cleanup: async () => {
      http.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

describeBlobStoreConformance('HttpBlobStore over the upload channel', () => fresh(false));
describeBlobStoreConformance('RetryingBlobStore over HttpBlobStore', () => fresh(true));
