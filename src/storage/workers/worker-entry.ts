import { enableCompileCache } from 'node:module';
import { workerData } from 'node:worker_threads';

// A worker thread does not share the process's compile cache: without it, each worker compiles its
// modules afresh (about 75 ms, against 15 ms from the cache), on the cores that are stretching the
// passphrase meanwhile. The pool passes the process's cache folder, if any, before the modules load.
const { compileCacheDir } = workerData as { compileCacheDir?: string };
if (compileCacheDir !== undefined) enableCompileCache(compileCacheDir);
await import('./chunk-worker.ts');
