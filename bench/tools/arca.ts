import { join, resolve } from 'node:path';
import { run, runMeasured } from '../measure.ts';
import type { BenchTool, Probe, ToolContext } from './tool.ts';

/** This checkout's CLI, or another build's named by ARCA_BENCH_CLI (to compare two versions). */
const ARCA = process.env.ARCA_BENCH_CLI ? resolve(process.env.ARCA_BENCH_CLI) : resolve(import.meta.dirname, '..', '..', 'bin', 'arca.js');

interface BackupReport {
  id: string;
  bytesRead?: number;
  bytesNew?: number;
  bytesStored?: number;
  seconds?: number;
}

function parseBackupReport(stdout: string): BackupReport {
  let report: unknown;
  try {
    report = JSON.parse(stdout);
  } catch (error) {
    throw new Error(`arca repo backup-image -o json printed something that is not JSON: ${stdout.slice(0, 300)}`, { cause: error });
  }
  if (typeof report !== 'object' || report === null || typeof (report as { id?: unknown }).id !== 'string') {
    throw new Error(`arca repo backup-image -o json printed no recovery point id: ${stdout.slice(0, 300)}`);
  }
  return report as BackupReport;
}

/**
 * Arca's repository through its CLI (`arca repo …`), run by the Node.js that runs the benchmark
 * (the pinned Node 24 under `npm run bench`).
 */
export function arcaTool(context: ToolContext): BenchTool {
  const repository = join(context.folder, 'repo');
  const env = { ARCA_PASSPHRASE: context.passphrase };
  const arca = (command: string, args: string[] = []) => [ARCA, 'repo', command, '--repo', repository, ...args];
  let latest: string | undefined;

  return {
    name: 'arca',
    repository,
    settings: 'defaults of `arca repo init`: fixed-size chunks with zero chunks elided, zstd, authenticated encryption',
    async probe(): Promise<Probe> {
      let help: string;
      try {
        help = (await run(process.execPath, [ARCA, 'repo', '--help'])).stdout;
      } catch (error) {
        return { ok: false, reason: `\`arca repo\` does not run (node bin/arca.js repo --help failed): ${(error as Error).message.split('\n').slice(0, 3).join(' ')}` };
      }
      // commander answers an unknown command's --help with the top-level help, and exit code 0
      const missing = ['init', 'backup-image', 'restore-image'].filter((c) => !help.includes(c));
      if (missing.length > 0) return { ok: false, reason: `\`arca repo\` is not available yet: node bin/arca.js repo --help lists no ${missing.join(', ')}` };
      const { stdout } = await run(process.execPath, [ARCA, '--version']);
      return { ok: true, version: `arca ${stdout.trim()} (node ${process.version})` };
    },
    async init() {
      await run(process.execPath, arca('init'), { env });
    },
    async backup() {
      const result = await runMeasured(process.execPath, arca('backup-image', [context.imagePath, '-o', 'json']), { env });
      const report = parseBackupReport(result.stdout);
      latest = report.id;
      return { result, details: { ...report } };
    },
    async rereadBackup() {
      const result = await runMeasured(process.execPath, arca('backup-image', [context.imagePath, '--no-skip-unchanged', '-o', 'json']), { env });
      return { result, details: { ...parseBackupReport(result.stdout) } };
    },
    async restore(targetDir) {
      if (latest === undefined) throw new Error('arca restore asked for before any backup');
      const restoredFile = join(targetDir, 'disk0.img');
      const result = await runMeasured(process.execPath, arca('restore-image', ['--point', latest, '--disk', '0', '--to', restoredFile]), { env });
      return { result, restoredFile };
    },
  };
}
