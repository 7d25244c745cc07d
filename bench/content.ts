import { Rng } from './random.ts';

/**
 * Compressible content for the synthetic disk image: log-like text and structured binary records.
 * Both are built from small pools chosen once per seed, so they compress and repeat the way real
 * logs and database pages do, while every extent still differs from every other.
 */

const LEVELS = ['INFO', 'INFO', 'INFO', 'INFO', 'DEBUG', 'DEBUG', 'WARN', 'ERROR'] as const;
const COMPONENTS = ['sshd', 'kernel', 'systemd', 'nginx', 'postgres', 'cron', 'dockerd', 'kubelet', 'arca-agent', 'app'] as const;
const WORDS = (
  'connection accepted closed established refused from to for user session opened started stopped ' +
  'request response GET POST PUT DELETE /api/v1/items /api/v1/users /healthz /metrics status ok failed ' +
  'retry timeout after ms bytes sent received checkpoint complete wrote buffers segment transaction ' +
  'commit rollback query duration slow index scan table vacuum analyze worker pid exited code signal ' +
  'memory cgroup oom disk full mounted unmounted device sda1 nvme0n1 eth0 link up down address lease ' +
  'renewed expired certificate valid until cache hit miss evicted job scheduled queued running done ' +
  'the a of in on with and not is was will be by at as this that new old config reload changed'
).split(' ');
const NAMES = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa'.split(' ');

function hex(rng: Rng, digits: number): string {
  let out = '';
  while (out.length < digits) out += rng.u32().toString(16).padStart(8, '0');
  return out.slice(0, digits);
}

function token(rng: Rng): string {
  const roll = rng.below(20);
  if (roll === 0) return `id=${hex(rng, 8)}`;
  if (roll === 1) return `ip=10.${rng.below(256)}.${rng.below(256)}.${rng.below(256)}`;
  if (roll === 2) return `took ${rng.below(5000)}ms`;
  if (roll === 3) return `size=${rng.below(1 << 20)}`;
  return rng.pick(WORDS);
}

function logLine(rng: Rng): Buffer {
  const words: string[] = [];
  for (let n = 4 + rng.below(12); n > 0; n--) words.push(token(rng));
  return Buffer.from(`${rng.pick(LEVELS)} ${rng.pick(COMPONENTS)}[${100 + rng.below(30000)}]: ${words.join(' ')}\n`, 'latin1');
}

/** Log lines without their timestamp; a few are frequent, most are rare, as in real logs. */
export function textPool(seed: string): Buffer[] {
  const rng = new Rng(seed, 'text-pool');
  return Array.from({ length: 8192 }, () => logLine(rng));
}

const DIGITS = 0x30;

/** Fills `target` with timestamped log lines drawn from `pool`; the clock starts at `startMs`. */
export function fillText(target: Buffer, rng: Rng, pool: readonly Buffer[], startMs: number): void {
  let ms = startMs;
  let second = -1;
  let prefix = Buffer.alloc(0);
  let at = 0;
  while (at < target.length) {
    ms += rng.below(40);
    if (Math.floor(ms / 1000) !== second) {
      second = Math.floor(ms / 1000);
      prefix = Buffer.from(new Date(second * 1000).toISOString().slice(0, 20), 'latin1'); // "…T12:34:56."
    }
    at += prefix.copy(target, at);
    const millis = ms % 1000;
    target[at++] = DIGITS + Math.floor(millis / 100);
    target[at++] = DIGITS + (Math.floor(millis / 10) % 10);
    target[at++] = DIGITS + (millis % 10);
    target[at++] = 0x5a; // 'Z'
    target[at++] = 0x20;
    const u = rng.float();
    const line = pool[Math.floor(pool.length * u * u * u)] as Buffer;
    if (at < target.length) at += line.copy(target, at);
  }
}

const RECORD = 128;

/** Blobs and names that binary records repeat, as database pages repeat values. */
export interface RecordPool {
  names: Buffer[];
  blobs: Buffer[];
}

export function recordPool(seed: string): RecordPool {
  const rng = new Rng(seed, 'record-pool');
  const names = Array.from({ length: 64 }, (_, i) => {
    const name = Buffer.alloc(24);
    name.write(`${rng.pick(NAMES)}-${rng.pick(NAMES)}-${i}`, 'latin1');
    return name;
  });
  const blobs = Array.from({ length: 32 }, () => {
    const blob = Buffer.alloc(72);
    for (let i = 0; i < blob.length; i += 4) blob.writeUInt32LE(rng.u32(), i);
    return blob;
  });
  return { names, blobs };
}

/**
 * Fills `target` (zeroed, a multiple of 128 bytes) with fixed-size records: an increasing id, a
 * type, a timestamp, a name from the pool, small counters, and a payload that is zero, a pooled
 * blob or fresh random bytes.
 */
export function fillRecords(target: Buffer, rng: Rng, pool: RecordPool, firstId: number): void {
  let id = firstId;
  let time = 1_700_000_000 + rng.below(1 << 24);
  for (let at = 0; at + RECORD <= target.length; at += RECORD) {
    target.writeUInt32LE(id++ >>> 0, at);
    target.writeUInt16LE(rng.below(8), at + 8);
    target.writeUInt32LE((time += rng.below(3)) >>> 0, at + 12);
    (pool.names[rng.below(pool.names.length)] as Buffer).copy(target, at + 16);
    for (let i = 40; i < 56; i += 4) target.writeUInt32LE(rng.below(4096), at + i);
    const roll = rng.below(20);
    if (roll < 7) (pool.blobs[rng.below(pool.blobs.length)] as Buffer).copy(target, at + 56);
    else if (roll < 10) for (let i = 56; i < RECORD; i += 4) target.writeUInt32LE(rng.u32(), at + i);
  }
}
