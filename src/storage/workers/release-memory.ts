const MIN_RELEASE_BYTES = 64 * 1024;

/**
 * Frees a large buffer's memory now. V8 frees an ArrayBuffer's memory only when a collection finds
 * it dead, and the data path drops a few MiB per chunk on every thread: left to the collector, that
 * costs several full collections a second (a third of a restore's CPU went to marking) and peak
 * memory grows with the garbage in between. Transferring the buffer to an empty one detaches it and
 * returns its memory to the allocator at once, so the next chunk reuses the same pages.
 *
 * Only for a buffer whose every view the caller owns: other views of it become empty. Small buffers
 * are left alone; they may be slices of Node's shared pool, and the collector handles them cheaply.
 */
export function releaseBuffer(view: Uint8Array): void {
  const buffer = view.buffer;
  if (buffer instanceof ArrayBuffer && !buffer.detached && buffer.byteLength >= MIN_RELEASE_BYTES) buffer.transfer(0);
}
