import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The watchdog as the real process it is, with a PATH holding only fake `dmsetup` and `fsfreeze`
 * scripts that append their arguments to a log (a `dmsetup` for the name `broken` fails after
 * logging), so the order of what it does can be read back without a device-mapper kernel.
 */
const WATCHDOG = fileURLToPath(new URL('./watchdog-main.ts', import.meta.url));
const FREEZER = new URL('./freezer.ts', import.meta.url).href;

let root: string;
let bin: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'arca-watchdog-'));
  bin = join(root, 'bin');
  await mkdir(bin);
  for (const [name, tail] of [['dmsetup', '[ "$2" = broken ] && exit 1'], ['fsfreeze', '']] as const) {
    await writeFile(join(bin, name), `#!/bin/sh\necho "${name} $*" >> "$ARCA_FAKE_LOG"\n${tail}\nexit 0\n`);
    await chmod(join(bin, name), 0o755);
  }
});
after(() => rm(root, { recursive: true, force: true }));

let counter = 0;
function start(args: readonly string[]): { child: ChildProcess; log: string; out: () => string; err: () => string; exited: Promise<number | null> } {
  const log = join(root, `log-${counter++}`);
  const child = spawn(process.execPath, [WATCHDOG, ...args], { env: { PATH: bin, ARCA_FAKE_LOG: log }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, log, out: () => out, err: () => err, exited };
}

async function ready(child: ChildProcess): Promise<void> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the watchdog exited (${code}) before it was ready`)));
    lines.on('line', (line) => line === 'ready' && resolve());
  });
}

const logged = (log: string) => readFile(log, 'utf8').then((text) => text.split('\n').filter(Boolean), () => []);

/** Resolves once the log holds `count` lines; the log is written by a process the test cannot await. */
async function logReaches(log: string, count: number): Promise<string[]> {
  const watcher = watch(root);
  try {
    const deadline = setTimeout(() => watcher.close(), 20_000);
    for (;;) {
      const lines = await logged(log);
      if (lines.length >= count) { clearTimeout(deadline); return lines; }
      const changed = await new Promise<boolean>((resolve) => { watcher.once('change', () => resolve(true)); watcher.once('close', () => resolve(false)); });
      if (!changed) return logged(log);
    }
  } finally {
    watcher.close();
  }
}

const MOUNTS_AND_NAMES = ['60000', '/mnt/data', '/mnt/logs', '--resume', 'vg-data', 'broken', 'vg-logs'];
const UNDO = ['dmsetup resume vg-data', 'dmsetup resume broken', 'dmsetup resume vg-logs', 'fsfreeze -u /mnt/logs', 'fsfreeze -u /mnt/data'];

describe('freeze watchdog process', () => {
  it('when its stdin closes, resumes each device (one failing does not stop the rest) and only then thaws each mount, last first', async () => {
    const w = start(MOUNTS_AND_NAMES);
    await ready(w.child);
    w.child.stdin?.end();
    assert.equal(await w.exited, 0, w.err());
    assert.deepEqual(await logged(w.log), UNDO);
    assert.match(w.out(), /^ready\nthawed extension-gone\n$/);
  });

  it('does the same when its timeout passes with the extension still attached', async () => {
    const w = start(['50', '/mnt/data', '--resume', 'vg-data']);
    await ready(w.child);
    assert.equal(await w.exited, 0, w.err());
    assert.deepEqual(await logged(w.log), ['dmsetup resume vg-data', 'fsfreeze -u /mnt/data']);
    assert.match(w.out(), /thawed timeout\n$/);
    w.child.stdin?.destroy();
  });

  it('resumes devices when there is no mount to thaw', async () => {
    const w = start(['60000', '--resume', 'vg-data']);
    await ready(w.child);
    w.child.stdin?.end();
    assert.equal(await w.exited, 0, w.err());
    assert.deepEqual(await logged(w.log), ['dmsetup resume vg-data']);
  });

  it('exits touching nothing once the extension says ok', async () => {
    const w = start(MOUNTS_AND_NAMES);
    await ready(w.child);
    w.child.stdin?.end('ok\n');
    assert.equal(await w.exited, 0, w.err());
    assert.deepEqual(await logged(w.log), [], 'no dmsetup, no fsfreeze');
    assert.equal(w.out(), 'ready\n');
  });

  const badUsage: readonly (readonly [string, readonly string[]])[] = [
    ['no arguments', []],
    ['a timeout and nothing to guard', ['1000']],
    ['a timeout of zero', ['0', '/mnt/data']],
    ['a timeout that is not a whole number', ['1.5', '/mnt/data']],
    ['a timeout that is not a number', ['soon', '/mnt/data']],
    ['a relative mount', ['1000', 'mnt/data']],
    ['--resume without a name', ['1000', '/mnt/data', '--resume']],
    ['--resume given twice', ['1000', '/mnt/data', '--resume', 'vg-data', '--resume', 'vg-logs']],
    ['a name with a slash', ['1000', '--resume', '../vg-data']],
    ['a name that looks like an option', ['1000', '--resume', '-f']],
    ['a name longer than the kernel takes', ['1000', '--resume', 'v'.repeat(128)]],
  ];
  for (const [name, args] of badUsage) {
    it(`refuses ${name} with its usage and exit code 2, before it says ready`, async () => {
      const w = start(args);
      assert.equal(await w.exited, 2);
      assert.match(w.err(), /^usage: watchdog-main\.ts <timeout-ms> \[<mount>\.\.\.\] \[--resume <dm-name>\.\.\.\]/);
      assert.equal(w.out(), '');
      assert.deepEqual(await logged(w.log), []);
    });
  }
});

describe('FsFreezeFreezer and its watchdog', () => {
  it('hands the devices to resume to the watchdog, which resumes them before thawing when the freezing process is killed', async () => {
    const log = join(root, 'freezer-log');
    const code = `import { FsFreezeFreezer } from '${FREEZER}';
      await new FsFreezeFreezer().freeze([{ id: 0, device: '', mountPoint: '/mnt/data', fsType: 'ext4', source: '', readOnly: false }], { timeoutMs: 120000, vmName: 'vm1', devicesToResume: ['vg-data', 'vg-data'] });
      process.stdout.write('frozen\\n');
      setInterval(() => {}, 1000);`;
    const holder = spawn(process.execPath, ['--input-type=module', '-e', code], { env: { PATH: bin, ARCA_FAKE_LOG: log }, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        holder.once('exit', (c) => reject(new Error(`the freezing process exited (${c})`)));
        createInterface({ input: holder.stdout }).on('line', (line) => line === 'frozen' && resolve());
      });
      assert.deepEqual(await logged(log), ['fsfreeze -f /mnt/data'], 'nothing is resumed or thawed while the extension lives');
      holder.kill('SIGKILL');
      await exited;
      assert.deepEqual(await logReaches(log, 3), ['fsfreeze -f /mnt/data', 'dmsetup resume vg-data', 'fsfreeze -u /mnt/data'], 'each device once, before the thaw');
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
