import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBlobStoreConformance } from './blob-store-conformance.ts';
import { ConcurrencyLimitedBlobStore } from './concurrency-limited-blob-store.ts';
import { FaultInjectingBlobStore } from './fault-injecting-blob-store.ts';
import { LocalFsBlobStore } from './local-fs-blob-store.ts';
import { MemoryBlobStore } from './memory-blob-store.ts';
import { RetryingBlobStore } from './retrying-blob-store.ts';

const noCleanup = async () => undefined;

async function localFs(directIo = false): Promise<{ store: LocalFsBlobStore; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'arca-blob-'));
  return { store: new LocalFsBlobStore(join(root, 'repo'), { directIo }), cleanup: () => rm(root, { recursive: true, force: true }) };
}

describeBlobStoreConformance('MemoryBlobStore', async () => ({ store: new MemoryBlobStore(), cleanup: noCleanup }));

describeBlobStoreConformance('LocalFsBlobStore', () => localFs());

describeBlobStoreConformance('LocalFsBlobStore with direct I/O', () => localFs(true));

describeBlobStoreConformance('RetryingBlobStore over MemoryBlobStore', async () => ({
  store: new RetryingBlobStore(new MemoryBlobStore(), { sleep: async () => undefined }),
  cleanup: noCleanup,
}));

// A limit of 8: the suite races 8 writers, each holding a permit until it commits. Queueing under
// a small limit is tested in concurrency-limited-blob-store.test.ts.
describeBlobStoreConformance('ConcurrencyLimitedBlobStore over LocalFsBlobStore', async () => {
  const { store, cleanup } = await localFs();
  return { store: new ConcurrencyLimitedBlobStore(store, 8), cleanup };
});

describeBlobStoreConformance('FaultInjectingBlobStore with no rules over MemoryBlobStore', async () => ({
  store: new FaultInjectingBlobStore(new MemoryBlobStore()),
  cleanup: noCleanup,
}));
