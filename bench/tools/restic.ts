import { join } from 'node:path';
import { run, runMeasured } from '../measure.ts';
import type { BenchTool, Probe, ToolContext } from './tool.ts';

/** restic as Debian ships it, default settings; its cache is kept inside the work folder. */
export function resticTool(context: ToolContext): BenchTool {
  const repository = join(context.folder, 'repo');
  const env = { RESTIC_PASSWORD: context.passphrase, RESTIC_CACHE_DIR: join(context.folder, 'cache') };
  const restic = (args: string[]) => ['-r', repository, ...args];

  return {
    name: 'restic',
    repository,
    settings: 'defaults: repository v2 as `restic init` makes it (zstd compression "auto"), content-defined chunking, AES-256-CTR + Poly1305-AES',
    async probe(): Promise<Probe> {
      try {
        const { stdout } = await run('restic', ['version']);
        return { ok: true, version: stdout.trim() };
      } catch (error) {
        return { ok: false, reason: `restic is not installed or does not run (apt-get install -y restic): ${(error as Error).message}` };
      }
    },
    async init() {
      await run('restic', restic(['init']), { env });
    },
    async backup() {
      return { result: await runMeasured('restic', restic(['backup', context.imagePath]), { env }) };
    },
    async restore(targetDir) {
      const result = await runMeasured('restic', restic(['restore', 'latest', '--target', targetDir]), { env });
      // restic recreates the absolute path of the backed-up file under the target
      return { result, restoredFile: join(targetDir, context.imagePath) };
    },
  };
}
