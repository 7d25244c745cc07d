/** True when both hold the same bytes; compares natively, so 32 MiB blobs compare fast. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
