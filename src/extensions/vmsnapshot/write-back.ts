import { execFile } from 'node:child_process';
import { open, type FileHandle } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ArcaError } from '../../core/errors/index.ts';
import { isAllZero } from '../../storage/chunking/fixed-chunker.ts';
import { CHUNK_ID_BYTES } from '../../storage/crypto/keys.ts';
import { writeFully } from '../../storage/direct-io.ts';
import { isHole, REFS_PER_PIECE } from '../../storage/points/ref-list.ts';
import { readFully } from './restore-blocks.ts';
import { segment } from './restore-points.ts';
import type { PointReader } from './vault-point-reader.ts';

const run = promisify(execFile);

/** What writing one disk back did: every chunk of the point is either written or left alone. */
export interface WriteBackResult {
  readonly bytesWritten: number;
  readonly bytesUnchanged: number;
  readonly chunksWritten: number;
  readonly chunksUnchanged: number;
}

export interface WriteBackTarget {
  /** The disk on the machine: an image file or a block device. */
  readonly path: string;
  /** Its place in the recovery point. */
  readonly pointDisk: number;
  /** For messages. */
  readonly name: string;
  readonly vmName: string;
}

/**
 * Brings the disk's length to the point's: an image file is cut or extended (the new tail reads as
 * zeros); a block device cannot change, so one smaller than the point's disk is refused before
 * anything is written, and a larger one keeps its tail.
 */
async function fitLength(file: FileHandle, target: WriteBackTarget, pointId: string, pointSize: number): Promise<void> {
  const info = await file.stat();
  if (info.isFile()) {
    if (info.size !== pointSize) await file.truncate(pointSize);
    return;
  }
  const size = Number((await run('blockdev', ['--getsize64', target.path])).stdout.trim());
  if (!(size >= pointSize)) throw new ArcaError('UserErrorRestoreDiskTooSmall', { disk: target.name, vmName: target.vmName, path: target.path, size, point: pointId, pointSize });
}

/**
 * Makes one disk equal to its copy in a vault-tier recovery point by writing only the chunks that
 * differ: each of the disk's chunks is hashed with the repository's keyed chunk id and compared with
 * the point's id for it; an equal chunk is left alone, a different one is fetched from the vault
 * (opened and checked against its id) and written in place; where the point has a hole (all zeros,
 * never stored) the disk's chunk is zeroed unless it already is. Synced before it returns.
 */
export async function writeBackDisk(reader: PointReader, target: WriteBackTarget, onProgress?: (fraction: number) => void): Promise<WriteBackResult> {
  const disk = reader.layout.disks[target.pointDisk];
  if (disk === undefined) throw new ArcaError('RestoreReadOutsidePoint', { point: reader.layout.pointId, what: `disk ${target.pointDisk} (it has ${reader.layout.disks.length})` });
  // The point names a disk by its snapshot file (`<disk>.img`, restore-points.ts): it must be the task's disk, or another disk's data would be written over this one.
  if (disk.name !== target.name && disk.name !== `${segment(target.name)}.img`) {
    throw new ArcaError('RestoreReadOutsidePoint', { point: reader.layout.pointId, what: `disk ${target.pointDisk} as disk ${target.name}: the point has ${disk.name} there` });
  }
  const file = await open(target.path, 'r+');
  try {
    await fitLength(file, target, reader.layout.pointId, disk.size);
    const present = new Uint8Array(disk.chunkSize);
    const counts = { bytesWritten: 0, bytesUnchanged: 0, chunksWritten: 0, chunksUnchanged: 0 };
    let piece: Uint8Array | undefined;
    for (let i = 0; i < disk.chunkCount; i++) {
      if (i % REFS_PER_PIECE === 0) piece = await reader.refPiece(target.pointDisk, i / REFS_PER_PIECE);
      const at = (i % REFS_PER_PIECE) * CHUNK_ID_BYTES;
      const id = piece?.subarray(at, at + CHUNK_ID_BYTES);
      if (id?.length !== CHUNK_ID_BYTES) throw new ArcaError('RepositoryMetadataCorrupt', { key: 'chunk list', detail: `it ends before chunk ${i} of disk ${disk.name}` });
      const offset = i * disk.chunkSize;
      const length = Math.min(disk.chunkSize, disk.size - offset);
      const current = present.subarray(0, length);
      const got = await readFully(file, current, offset);
      if (got !== length) current.fill(0, got);
      const same = isHole(id) ? isAllZero(current) : Buffer.from(reader.idOf(current)).equals(id);
      if (same) {
        counts.chunksUnchanged++;
        counts.bytesUnchanged += length;
      } else {
        const wanted = isHole(id) ? new Uint8Array(length) : await reader.chunk(target.pointDisk, i, id);
        if (wanted.length !== length) throw new ArcaError('RepositoryMetadataCorrupt', { key: 'chunk list', detail: `chunk ${i} of disk ${disk.name} is ${wanted.length} bytes where the disk needs ${length}` });
        await writeFully(file, wanted, offset);
        counts.chunksWritten++;
        counts.bytesWritten += length;
      }
      onProgress?.((i + 1) / Math.max(1, disk.chunkCount));
    }
    await file.sync();
    return counts;
  } finally {
    await file.close();
  }
}
