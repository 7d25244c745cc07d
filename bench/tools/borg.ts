import { join } from 'node:path';
import { run, runMeasured } from '../measure.ts';
import type { BenchTool, Probe, ToolContext } from './tool.ts';

/**
 * BorgBackup as Debian ships it: `repokey` encryption, and otherwise defaults (lz4 compression,
 * buzhash chunker 19,23,21,4095). BORG_BASE_DIR keeps its cache, keys and security folder inside
 * the work folder, so nothing is left in the user's home.
 */
export function borgTool(context: ToolContext): BenchTool {
  const repository = join(context.folder, 'repo');
  const env = {
    BORG_PASSPHRASE: context.passphrase,
    BORG_BASE_DIR: join(context.folder, 'home'),
    BORG_DISPLAY_PASSPHRASE: 'no',
    BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes',
    BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes',
  };

  return {
    name: 'borg',
    repository,
    settings: 'encryption=repokey (AES-256-CTR + HMAC-SHA256), default lz4 compression and buzhash chunker (19,23,21,4095)',
    async probe(): Promise<Probe> {
      try {
        const { stdout } = await run('borg', ['--version']);
        return { ok: true, version: stdout.trim() };
      } catch (error) {
        return { ok: false, reason: `borg is not installed or does not run (apt-get install -y borgbackup): ${(error as Error).message}` };
      }
    },
    async init() {
      await run('borg', ['init', '--encryption=repokey', repository], { env });
    },
    async backup(phase) {
      return { result: await runMeasured('borg', ['create', `${repository}::${phase}`, context.imagePath], { env }) };
    },
    async restore(targetDir) {
      const result = await runMeasured('borg', ['extract', `${repository}::incremental`], { env, cwd: targetDir });
      // borg stores paths without their leading slash and extracts them under the current folder
      return { result, restoredFile: join(targetDir, context.imagePath.replace(/^\/+/, '')) };
    },
  };
}
