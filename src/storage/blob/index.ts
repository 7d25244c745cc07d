export { BLOB_OPERATIONS, type BlobOperation } from './blob-operation.ts';
export {
  isValidKey,
  isValidPrefix,
  type BlobInfo,
  type BlobStore,
  type BlobWriter,
  type CallOptions,
  type GetOptions,
  type PutOptions,
} from './blob-store.ts';
export { BLOB_WRITER_STATES, type BlobWriterState } from './blob-writer-state.ts';
export { ConcurrencyLimitedBlobStore } from './concurrency-limited-blob-store.ts';
export { FaultInjectingBlobStore } from './fault-injecting-blob-store.ts';
export type { DiskFullFault, FailFault, FaultHandle, FaultMatch, FaultRule, TornPutFault } from './fault-rule.ts';
export { LocalFsBlobStore, TEMPORARY_FOLDER } from './local-fs-blob-store.ts';
export { MemoryBlobStore } from './memory-blob-store.ts';
export { RetryingBlobStore, type RetryEvent, type RetryOptions } from './retrying-blob-store.ts';
