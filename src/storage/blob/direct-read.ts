import { constants, open, type FileHandle } from 'node:fs/promises';
import { AlignedBuffers, DIRECT_ALIGN, isDirectRefusal } from '../direct-io.ts';

/** Reads at least this long go past the page cache: pack ranges, not metadata. */
export const DIRECT_READ_MIN = 1024 * 1024;
/** A 4 MiB chunk with its seal, wherever it starts in a page, fits one slot and goes in one read. */
const SLOT_BYTES = 4 * 1024 * 1024 + 64 * 1024;
const SLOTS = 4;

/** This thread's staging buffers for direct reads, made on first use. */
let stages: AlignedBuffers | undefined;

/**
 * Fills `out` from the file at `path`, starting at `position`, with direct reads (O_DIRECT) through
 * page-aligned staging (see direct-io.ts), and returns how many bytes it read (fewer at the end of
 * the file), or undefined where the system or file system refuses direct I/O, for the caller to
 * read through the page cache instead.
 *
 * Why: data read once, such as the packs a restore streams through, gains nothing from the page
 * cache and pays for it twice — a copy out of the cache, and fresh cache pages for every read. On
 * the virtual machines we measured, fresh pages are the expensive part: a restore's pack reads cost
 * three times the system time, and their latency four times, when the machine had just written
 * other files. Staging buffers are reused, so their pages are paid for once.
 */
export async function readDirect(path: string, out: Uint8Array, position: number, signal?: AbortSignal): Promise<number | undefined> {
  if (!('O_DIRECT' in constants)) return undefined;
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_DIRECT);
  } catch (error) {
    if (isDirectRefusal(error)) return undefined;
    throw error;
  }
  const slots = (stages ??= new AlignedBuffers(SLOTS, SLOT_BYTES));
  const slot = await slots.take();
  let filled = 0;
  try {
    while (filled < out.length) {
      signal?.throwIfAborted();
      const at = position + filled;
      const skip = at % DIRECT_ALIGN;
      const length = Math.min(slot.length, Math.ceil((out.length - filled + skip) / DIRECT_ALIGN) * DIRECT_ALIGN);
      const { bytesRead } = await handle.read(slot, 0, length, at - skip);
      if (bytesRead <= skip) break;
      const taken = Math.min(bytesRead - skip, out.length - filled);
      out.set(slot.subarray(skip, skip + taken), filled);
      filled += taken;
    }
    return filled;
  } catch (error) {
    if (filled === 0 && isDirectRefusal(error)) return undefined;
    throw error;
  } finally {
    slots.give(slot);
    await handle.close();
  }
}
