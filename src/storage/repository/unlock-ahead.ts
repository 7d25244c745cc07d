import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isScryptKdf, stretchAhead } from './passphrase-kdf.ts';

/**
 * Starts stretching the passphrase for the first key file of the repository in the folder `dir`,
 * before the command that will open it has even loaded (Repository.open then finds the result).
 * Only a hint: anything unexpected (no such folder, junk in keys/) is left for Repository.open to
 * report, and a key file other than the first still opens, only without the head start. It reads
 * two small files synchronously: with promises, their callbacks would wait for the module loading
 * it is meant to overlap.
 */
export function unlockAhead(dir: string, passphrase: string): void {
  try {
    const keys = join(dir, 'keys'); // LAYOUT.keys, without loading layout.ts
    const first = readdirSync(keys, { withFileTypes: true }).find((entry) => entry.isFile());
    if (first === undefined) return;
    const file = JSON.parse(readFileSync(join(keys, first.name), 'utf8')) as { kdf?: unknown } | null;
    if (isScryptKdf(file?.kdf)) stretchAhead(file.kdf, passphrase);
  } catch {
    // Repository.open meets the same condition and says what it is.
  }
}
