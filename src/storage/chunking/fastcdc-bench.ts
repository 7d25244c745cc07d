import { randomBytes, randomFillSync } from 'node:crypto';
import type { ChunkSizes } from './chunk-sizes.ts';
import { FastCdcChunker } from './fastcdc.ts';

/**
 * Throughput of FastCdcChunker on random bytes fed in fixed-size buffers, chunks copied out as in
 * production. Not a test: speed is measured here, never asserted.
 *   node src/storage/chunking/fastcdc-bench.ts [MiB=256] [bufferKiB=1024] [runs=5]
 * The second line hashes nearly every byte (minSize 64), to show the hot loop alone: with the
 * default sizes FastCDC skips the first minSize - 32 bytes of every chunk.
 */
const MiB = 1024 * 1024;
const totalMiB = Number(process.argv[2] ?? 256);
const bufferBytes = Number(process.argv[3] ?? 1024) * 1024;
const runs = Number(process.argv[4] ?? 5);

const data = randomFillSync(new Uint8Array(totalMiB * MiB));
const key = new Uint8Array(randomBytes(32));

function once(chunker: FastCdcChunker): { seconds: number; chunks: number } {
  const started = performance.now();
  let chunks = 0;
  for (let at = 0; at < data.length; at += bufferBytes) chunks += chunker.push(data.subarray(at, at + bufferBytes)).length;
  if (chunker.finish() !== undefined) chunks++;
  return { seconds: (performance.now() - started) / 1000, chunks };
}

function measure(label: string, sizes: Partial<ChunkSizes>): void {
  const chunker = new FastCdcChunker({ key, ...sizes });
  once(chunker); // JIT warm-up
  const speeds: number[] = [];
  let chunks = 0;
  for (let run = 0; run < runs; run++) {
    const result = once(chunker);
    chunks = result.chunks;
    speeds.push(totalMiB / result.seconds);
  }
  speeds.sort((a, b) => a - b);
  const { minSize, avgSize, maxSize } = chunker.sizes;
  console.log(
    `${label} (${minSize}/${avgSize}/${maxSize}): ${totalMiB} MiB in ${bufferBytes / 1024} KiB buffers, ${chunks} chunks, ` +
      `mean ${(data.length / chunks / MiB).toFixed(2)} MiB; median ${speeds[Math.floor(runs / 2)]?.toFixed(0)} MiB/s, ` +
      `best ${speeds.at(-1)?.toFixed(0)} MiB/s over ${runs} runs`,
  );
}

measure('default sizes', {});
measure('every byte hashed', { minSize: 64 });
