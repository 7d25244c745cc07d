import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, '0')}\0`;

/** One ustar header block: name (split into prefix when long), mode, size, mtime, type, checksum. */
function header(name: string, size: number, mode: number, mtime: number, type: '0' | '5'): Buffer {
  const block = Buffer.alloc(512);
  let path = name;
  let prefix = '';
  if (Buffer.byteLength(path) > 100) {
    const cut = path.lastIndexOf('/', 154);
    prefix = path.slice(0, cut);
    path = path.slice(cut + 1);
  }
  block.write(path, 0, 100);
  block.write(octal(mode, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(mtime, 12), 136);
  block.fill(' ', 148, 156);
  block.write(type, 156);
  block.write('ustar\0', 257);
  block.write('00', 263);
  block.write(prefix, 345, 155);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).toSorted();
}

/** A gzip'd ustar archive of every regular file under `dir`, in memory: the fallback when no `tar` is installed. */
export async function tarGzOf(dir: string): Promise<Buffer> {
  return tarGzOfFiles(dir, await walk(dir));
}

/** A gzip'd ustar archive of the given regular files (absolute paths under `root`), named relative to `root`. */
export async function tarGzOfFiles(root: string, files: readonly string[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const file of files) {
    const data = await readFile(file);
    const info = await stat(file);
    parts.push(header(relative(root, file), data.length, info.mode & 0o777, Math.floor(info.mtimeMs / 1000), '0'), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}

/**
 * Writes `dir` as a tar.gz to `out`, created with mode 0600 (it must not exist): through the
 * system's `tar` when there is one, else with the writer above. Returns which was used.
 */
export async function writeTarGz(dir: string, out: string): Promise<'tar' | 'builtin'> {
  const file = await open(out, 'wx', 0o600);
  try {
    try {
      const child = spawn('tar', ['-czf', '-', '-C', dir, '.'], { stdio: ['ignore', file.fd, 'pipe'] });
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const [code] = (await Promise.race([once(child, 'close'), once(child, 'error').then(([error]) => Promise.reject(error as Error))])) as [number | null];
      if (code === 0) return 'tar';
      if (code !== null && stderr) throw new Error(`tar failed: ${stderr.trim()}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await file.truncate(0);
    await file.write(await tarGzOf(dir), 0, undefined, 0);
    return 'builtin';
  } finally {
    await file.close();
  }
}
