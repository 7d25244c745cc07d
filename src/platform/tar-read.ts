import { gunzipSync } from 'node:zlib';

/** One entry of an archive as `readTarGz` keeps it: a regular file with its bytes, or a folder. */
export interface TarEntry {
  /** Relative, normalized: no leading `./`, no empty, `.` or `..` segments. */
  readonly path: string;
  readonly type: 'file' | 'dir';
  readonly mode: number;
  readonly data: Buffer;
}

/** Why an entry was refused; the caller turns it into its own catalog error. */
export class UnsafeTarEntry extends Error {
  readonly entry: string;
  readonly reason: string;
  constructor(entry: string, reason: string) {
    super(`${entry}: ${reason}`);
    this.entry = entry;
    this.reason = reason;
  }
}

/** The archive could not be read at all (not gzip, not tar, cut short, over a limit). */
export class UnreadableTar extends Error {}

export interface TarLimits {
  readonly maxUnpackedBytes: number;
  readonly maxEntries: number;
}

const BLOCK = 512;

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
}

function octal(block: Buffer, start: number, length: number, what: string): number {
  const raw = text(block, start, length).trim();
  if (raw === '') return 0;
  if (!/^[0-7]+$/.test(raw)) throw new UnreadableTar(`the ${what} field of an entry is not an octal number`);
  return Number.parseInt(raw, 8);
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] as number);
  return sum === octal(block, 148, 8, 'checksum');
}

/**
 * The one place an archive's name becomes a path: relative, with no `..`, no empty or `.`
 * segments after the first `./`, no control characters or backslashes. A name that could land
 * outside the folder it is unpacked into is refused, never rewritten.
 */
export function safeEntryPath(name: string): string {
  // oxlint-disable-next-line no-control-regex -- control characters are what the check refuses
  if (/[\u0000-\u001f\u007f\\]/.test(name)) throw new UnsafeTarEntry(name, 'has control characters or backslashes in its name');
  if (name.startsWith('/')) throw new UnsafeTarEntry(name, 'is an absolute path');
  const trimmed = name.replace(/^(\.\/)+/, '').replace(/\/$/, '');
  const segments = trimmed.split('/');
  if (segments.includes('..')) throw new UnsafeTarEntry(name, 'climbs out of its folder with ".."');
  if (trimmed !== '' && segments.some((s) => s === '' || s === '.')) throw new UnsafeTarEntry(name, 'has an empty or "." segment in its path');
  return trimmed;
}

/** `path=` of a pax extended header (type x), the only record of it that matters here. */
function paxPath(data: Buffer): string | undefined {
  let at = 0;
  let path: string | undefined;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(data.subarray(at, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) throw new UnreadableTar('a pax header record has a bad length');
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (record.slice(0, equals) === 'path') path = record.slice(equals + 1);
    at += length;
  }
  return path;
}

/**
 * Reads a gzip'd tar archive (ustar, GNU long names, pax paths) into memory within the limits,
 * keeping regular files and folders only: a link, a device or any other kind of entry refuses the
 * whole archive, as does a name that could escape (`safeEntryPath`). Nothing is written anywhere.
 */
export function readTarGz(archive: Uint8Array, limits: TarLimits): TarEntry[] {
  let tar: Buffer;
  try {
    tar = gunzipSync(archive, { maxOutputLength: limits.maxUnpackedBytes });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UnreadableTar(code === 'ERR_BUFFER_TOO_LARGE' ? `it unpacks to more than ${limits.maxUnpackedBytes} bytes` : 'it is not a gzip-compressed file');
  }
  const entries: TarEntry[] = [];
  let longName: string | undefined;
  let at = 0;
  while (at + BLOCK <= tar.length) {
    const block = tar.subarray(at, at + BLOCK);
    if (block.every((byte) => byte === 0)) return entries;
    if (!checksumOk(block)) throw new UnreadableTar('an entry header has a bad checksum: this is not a tar archive, or it is damaged');
    const size = octal(block, 124, 12, 'size');
    const type = String.fromCharCode(block[156] as number);
    const dataStart = at + BLOCK;
    if (dataStart + size > tar.length) throw new UnreadableTar('the archive is cut short');
    const data = tar.subarray(dataStart, dataStart + size);
    at = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    const prefix = text(block, 345, 155);
    const rawName = longName ?? (prefix ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100));
    if (type === 'L' || type === 'x') {
      longName = type === 'L' ? text(data, 0, data.length) : (paxPath(data) ?? longName);
      continue;
    }
    longName = undefined;
    if (type === 'g') continue;
    if (type !== '0' && type !== '\0' && type !== '5') {
      const kind = type === '1' ? 'is a hard link' : type === '2' ? 'is a symbolic link' : type === '3' || type === '4' ? 'is a device file' : type === '6' ? 'is a named pipe' : `is an entry of type "${type}"`;
      throw new UnsafeTarEntry(rawName, `${kind}; only regular files and folders may be unpacked`);
    }
    const path = safeEntryPath(rawName);
    if (path === '') continue; // the archive's own root folder, "./"
    entries.push({ path, type: type === '5' ? 'dir' : 'file', mode: octal(block, 100, 8, 'mode') & 0o777, data });
    if (entries.length > limits.maxEntries) throw new UnreadableTar(`it has more than ${limits.maxEntries} entries`);
  }
  throw new UnreadableTar('the archive has no end-of-archive marker: it is cut short');
}
