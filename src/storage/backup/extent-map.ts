import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** FIEMAP extent flags (linux/fiemap.h) that matter here. */
export const EXTENT_FLAGS = {
  last: 0x1,
  unknown: 0x2,
  delalloc: 0x4,
  unwritten: 0x800,
  merged: 0x1000,
  shared: 0x2000,
} as const;

/**
 * Where a file's bytes lie on its device: extents sorted by logical offset, not overlapping, in
 * bytes. Anything between extents (and after the last, up to `size`) is a hole. Kept as columns of
 * numbers: a fragmented copy-on-write image can have millions of extents.
 */
export class ExtentMap {
  readonly size: number;
  #logical = new Float64Array(64);
  #physical = new Float64Array(64);
  #length = new Float64Array(64);
  #flags = new Uint32Array(64);
  #count = 0;

  constructor(size: number) {
    this.size = size;
  }

  get count(): number {
    return this.#count;
  }

  /** Appends the next extent; refuses one that is empty, out of order or overlapping, since nothing can then be trusted. */
  push(logical: number, physical: number, length: number, flags: number): void {
    const n = this.#count;
    if (!(length > 0) || logical < 0 || physical < 0 || !Number.isSafeInteger(logical + length)) throw new ExtentMapError(`an extent at ${logical} of ${length} bytes makes no sense`);
    if (n > 0 && logical < this.logical(n - 1) + this.length(n - 1)) throw new ExtentMapError(`the extent at ${logical} overlaps or precedes the one before it`);
    if (n === this.#logical.length) this.#grow();
    this.#logical[n] = logical;
    this.#physical[n] = physical;
    this.#length[n] = length;
    this.#flags[n] = flags;
    this.#count++;
  }

  logical(i: number): number {
    return this.#logical[i] as number;
  }
  physical(i: number): number {
    return this.#physical[i] as number;
  }
  length(i: number): number {
    return this.#length[i] as number;
  }
  flags(i: number): number {
    return this.#flags[i] as number;
  }

  #grow(): void {
    this.#logical = grow(this.#logical, (n) => new Float64Array(n));
    this.#physical = grow(this.#physical, (n) => new Float64Array(n));
    this.#length = grow(this.#length, (n) => new Float64Array(n));
    this.#flags = grow(this.#flags, (n) => new Uint32Array(n));
  }
}

function grow<T extends Float64Array | Uint32Array>(old: T, make: (n: number) => T): T {
  const next = make(old.length * 2);
  next.set(old);
  return next;
}

/** The extent map could not be had or read with certainty: the caller reads the whole disk. */
export class ExtentMapError extends Error {
  override name = 'ExtentMapError';
}

/** Reads the extent map of a file. The file's dirty data must already be on disk (fsync it first). */
export interface ExtentMapReader {
  read(path: string, size: number, signal?: AbortSignal): Promise<ExtentMap>;
}

// xfs_io -r -c 'fiemap -v': "   4: [18432..40959]:  18624..41151     22528 0x2001" in 512-byte units, holes as "hole".
const XFS_IO_EXTENT = /^\s*\d+:\s+\[(\d+)\.\.(\d+)\]:\s+(\d+)\.\.(\d+)\s+(\d+)\s+0x([0-9a-f]+)\s*$/i;
const XFS_IO_HOLE = /^\s*\d+:\s+\[(\d+)\.\.(\d+)\]:\s+hole\s+(\d+)\s*$/;
const SECTOR = 512;

/** Feeds a tool's output, one line at a time, into a map; `end` says whether all of it was there. */
export interface LineParser {
  line(line: string): void;
  end(): void;
}

/**
 * Parses `xfs_io -r -c 'fiemap -v' FILE` into `map`. A line it does not know makes it fail, and the
 * rows (extents and holes) must tile the file from 0 to its end: a cut-short output is not "holes".
 * A file that is all holes prints its name alone.
 */
export function xfsIoLineParser(map: ExtentMap): LineParser {
  let header = 0;
  let covered = 0;
  const row = (start: number, end: number) => {
    if (start * SECTOR !== covered) throw new ExtentMapError(`xfs_io skipped from byte ${covered} to ${start * SECTOR}`);
    covered = (end + 1) * SECTOR;
  };
  return {
    line(line) {
      if (line.trim() === '') return;
      const extent = XFS_IO_EXTENT.exec(line);
      if (extent && header === 2) {
        const [, start, end, pStart, pEnd, total] = extent.slice(0, 6).map(Number) as [number, number, number, number, number, number];
        const length = (end - start + 1) * SECTOR;
        if (pEnd - pStart + 1 !== total || total * SECTOR !== length) throw new ExtentMapError(`xfs_io printed an extent whose lengths disagree: ${line.trim()}`);
        row(start, end);
        map.push(start * SECTOR, pStart * SECTOR, length, Number.parseInt(extent[6] as string, 16));
        return;
      }
      const hole = XFS_IO_HOLE.exec(line);
      if (hole && header === 2) {
        row(Number(hole[1]), Number(hole[2]));
        return;
      }
      // The file's name, then the column titles; anything else is a format we do not know.
      if (header < 2 && (header === 0 ? line.endsWith(':') : /^\s*EXT:/.test(line))) {
        header++;
        return;
      }
      throw new ExtentMapError(`xfs_io printed a line that is not an extent: ${line.trim().slice(0, 120)}`);
    },
    end() {
      if (header === 0) throw new ExtentMapError('xfs_io printed nothing');
      if (header === 2 && covered < map.size) throw new ExtentMapError(`xfs_io mapped ${covered} of ${map.size} bytes`);
      lastFlagged(map);
    },
  };
}

/** FIEMAP marks the final extent: without the mark the output may have been cut short. */
function lastFlagged(map: ExtentMap): void {
  if (map.count > 0 && (map.flags(map.count - 1) & EXTENT_FLAGS.last) === 0) throw new ExtentMapError('the extent map does not end with the extent marked last');
}

// filefrag -v: "   1:      100..     109:       5148..      5157:     10:        124: shared" in file system blocks.
const FILEFRAG_EXTENT = /^\s*\d+:\s+(\d+)\.\.\s*(\d+):\s+(\d+)\.\.\s*(\d+):\s+(\d+):\s+(?:\d+:)?\s*([a-z_,]*)\s*$/;
const FILEFRAG_FLAGS: Readonly<Record<string, number>> = {
  last: EXTENT_FLAGS.last,
  unknown_loc: EXTENT_FLAGS.unknown,
  delalloc: EXTENT_FLAGS.delalloc,
  unwritten: EXTENT_FLAGS.unwritten,
  merged: EXTENT_FLAGS.merged,
  shared: EXTENT_FLAGS.shared,
  eof: 0,
};
/** Any flag filefrag names that is not above: reported as unknown, so the range counts as changed. */
const OTHER_FLAG = EXTENT_FLAGS.unknown;

/** Parses `filefrag -v FILE` (units: the block size its first line states) into `map`; its closing count must be there. */
export function filefragLineParser(map: ExtentMap): LineParser {
  let block = 0;
  let found = false;
  return {
    line(line) {
      const size = /^File size of .* is (\d+) \(\d+ blocks? of (\d+) bytes\)/.exec(line);
      if (size && block === 0) {
        block = Number(size[2]);
        if (Number(size[1]) !== map.size) throw new ExtentMapError(`filefrag saw ${size[1]} bytes, ${map.size} were expected`);
        return;
      }
      const extent = FILEFRAG_EXTENT.exec(line);
      if (extent && block > 0 && !found) {
        const [, start, end, pStart, pEnd, total] = extent.slice(0, 6).map(Number) as [number, number, number, number, number, number];
        if (end - start !== pEnd - pStart || end - start + 1 !== total) throw new ExtentMapError(`filefrag printed an extent whose lengths disagree: ${line.trim()}`);
        const flags = (extent[6] ?? '').split(',').filter(Boolean).reduce((all, name) => all | (FILEFRAG_FLAGS[name] ?? OTHER_FLAG), 0);
        map.push(start * block, pStart * block, total * block, flags);
        return;
      }
      if (/: \d+ extents? found$/.test(line) && block > 0) {
        found = true;
        return;
      }
      if (/^Filesystem type is|^\s*ext:\s+logical_offset/.test(line) || line.trim() === '') return;
      throw new ExtentMapError(`filefrag printed a line that is not an extent: ${line.trim().slice(0, 120)}`);
    },
    end() {
      if (!found) throw new ExtentMapError('filefrag did not finish its list of extents');
      lastFlagged(map);
    },
  };
}

/** Runs one tool and feeds its output to a parser, line by line; the map is good only if the tool exits 0. */
async function runTool(argv: readonly string[], parser: LineParser, signal?: AbortSignal): Promise<void> {
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr = (stderr + data.toString('utf8')).slice(-2000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  let failure: unknown;
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
    if (failure !== undefined) continue;
    try {
      parser.line(line);
    } catch (error) {
      failure = error;
      child.kill();
    }
  }
  const code = await exited;
  if (failure !== undefined) throw failure;
  if (code !== 0 || stderr.trim() !== '') throw new ExtentMapError(`${argv[0]} exited with ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`);
  parser.end();
}

/**
 * FIEMAP through the tools that ask it (Node has no ioctl): `xfs_io` (xfsprogs, exact 512-byte
 * units and the kernel's flags in hex), else `filefrag` (e2fsprogs). One process per file.
 */
export class FiemapToolReader implements ExtentMapReader {
  async read(path: string, size: number, signal?: AbortSignal): Promise<ExtentMap> {
    const reasons: string[] = [];
    const tools: [readonly string[], (map: ExtentMap) => LineParser][] = [
      [['xfs_io', '-r', '-c', 'fiemap -v', path], xfsIoLineParser],
      [['filefrag', '-v', path], filefragLineParser],
    ];
    for (const [argv, parser] of tools) {
      const map = new ExtentMap(size);
      try {
        await runTool(argv, parser(map), signal);
        return map;
      } catch (error) {
        signal?.throwIfAborted();
        const code = (error as NodeJS.ErrnoException).code;
        reasons.push(code === 'ENOENT' ? `${argv[0]} is not installed` : (error as Error).message);
      }
    }
    throw new ExtentMapError(`no extent map of ${path}: ${reasons.join('; ')}`);
  }
}
