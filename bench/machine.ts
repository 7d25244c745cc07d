import { cpus, release, totalmem } from 'node:os';
import { run } from './measure.ts';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  /** File system type of the work folder, which holds the image and every repository. */
  fileSystem: string;
}

export async function describeMachine(workDir: string): Promise<Machine> {
  let fileSystem = 'unknown';
  try {
    fileSystem = (await run('stat', ['-f', '-c', '%T', workDir])).stdout.trim();
  } catch {
    // stat(1) missing: the report says unknown
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    fileSystem,
  };
}
