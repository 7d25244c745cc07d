import { Command } from 'commander';
import { invalidArgument } from '../../../core/errors/index.ts';
import { systemClock } from '../../../platform/system-clock.ts';
import { DEFAULT_ZSTD_LEVEL } from '../../../storage/compression.ts';
import { DEFAULT_SCRYPT } from '../../../storage/repository/passphrase-kdf.ts';
import { Repository } from '../../../storage/repository/repository.ts';
import { outputContext, printJson } from '../../output.ts';
import { readPassphrase } from '../../passphrase.ts';
import { repoOption, storeFor } from './open.ts';

const MIB = 1024 * 1024;

function intIn(name: string, min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw invalidArgument(name, `"${value}" is not a whole number from ${min} to ${max}`);
    return n;
  };
}

export function initCommand(): Command {
  return repoOption(new Command('init'))
    .description('create an empty, encrypted repository')
    .option('--chunk-size <MiB>', 'fixed chunk size for disk images, in MiB (a power of two)', intIn('--chunk-size', 1, 64), 4)
    .option('--pack-size <MiB>', 'target pack file size in MiB', intIn('--pack-size', 1, 64), 16)
    .option('--zstd-level <n>', 'zstd compression level', intIn('--zstd-level', 1, 19), DEFAULT_ZSTD_LEVEL)
    .option('--scrypt-cost <log2N>', 'passphrase stretching cost: log2 of the scrypt N, with r=8 and two lanes (lower is faster and weaker)', intIn('--scrypt-cost', 14, 20), Math.log2(DEFAULT_SCRYPT.N))
    .addHelpText('after', '\nExample:\n  ARCA_PASSPHRASE=... arca repo init --repo /srv/arca-repo\n')
    .action(async function (this: Command, opts: { repo: string; chunkSize: number; packSize: number; zstdLevel: number; scryptCost: number }) {
      if ((opts.chunkSize & (opts.chunkSize - 1)) !== 0) throw invalidArgument('--chunk-size', `${opts.chunkSize} is not a power of two`);
      const out = outputContext(this);
      const store = storeFor(opts.repo);
      const passphrase = await readPassphrase(store.location, true);
      const repo = await Repository.init(store, {
        passphrase,
        clock: systemClock,
        scrypt: { ...DEFAULT_SCRYPT, N: 2 ** opts.scryptCost },
        config: { imageChunkSize: opts.chunkSize * MIB, packTargetSize: opts.packSize * MIB, zstdLevel: opts.zstdLevel },
      });
      if (out.format === 'json') return printJson(out, { location: store.location, ...repo.config });
      out.write(`Created repository ${repo.config.id} at ${store.location}\nKeep the passphrase safe: without it the data cannot be read.\n`);
    });
}
