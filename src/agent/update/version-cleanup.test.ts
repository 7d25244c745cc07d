import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AGENT_RESTART_EXIT_CODE, superviseAgent, type AgentTarget, type ChildRun } from './agent-supervisor.ts';
import { readUpdateState, recordGoodVersion, setVersionAside, versionDir, versionsDir } from './update-state.ts';
import { pruneVersions, STAGING_PREFIX } from './version-cleanup.ts';

async function installVersion(libDir: string, version: string): Promise<void> {
  const dir = versionDir(libDir, version);
  await mkdir(join(dir, 'bin'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'arca', version }));
  await writeFile(join(dir, 'bin', 'arca.js'), '');
}

/** A staging folder as a crash during an unpack leaves it: half the files, no rename. */
async function leaveStaging(libDir: string, name: string): Promise<void> {
  await mkdir(join(versionsDir(libDir), name, 'src'), { recursive: true });
  await writeFile(join(versionsDir(libDir), name, 'src', 'half.ts'), 'export {}');
}

const listing = async (libDir: string) => (await readdir(versionsDir(libDir))).toSorted();

describe('agent version cleanup', () => {
  let libDir: string;
  let outside: string;
  const logged: { msg: string; fields: Record<string, unknown> }[] = [];
  const log = {
    debug: () => {},
    info: (msg: string, fields = {}) => logged.push({ msg, fields }),
    warn: (msg: string, fields = {}) => logged.push({ msg, fields }),
    error: (msg: string, fields = {}) => logged.push({ msg, fields }),
  };
  const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
  const own = { version: '0.1.0', installation: '/opt/arca' };

  beforeEach(async () => {
    libDir = await mkdtemp(join(tmpdir(), 'arca-cleanup-'));
    outside = await mkdtemp(join(tmpdir(), 'arca-cleanup-modules-'));
    logged.length = 0;
  });
  afterEach(async () => {
    await rm(libDir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('keeps only the named versions; staging leftovers and others go; a linked node_modules is unlinked, never followed', async () => {
    for (const version of ['0.2.0', '0.3.0', '0.4.0', '0.5.0-rc.1']) await installVersion(libDir, version);
    await writeFile(join(outside, 'dependency.js'), 'shared');
    await symlink(outside, join(versionDir(libDir, '0.2.0'), 'node_modules'), 'dir');
    await leaveStaging(libDir, `${STAGING_PREFIX}0.6.0-0a1b2c3d`);
    const removed = await pruneVersions(libDir, ['0.4.0', '0.3.0']);
    assert.deepEqual(removed, [`${STAGING_PREFIX}0.6.0-0a1b2c3d`, '0.2.0', '0.5.0-rc.1']);
    assert.deepEqual(await listing(libDir), ['0.3.0', '0.4.0']);
    assert.equal(await readFile(join(outside, 'dependency.js'), 'utf8'), 'shared', 'the installation\'s modules are untouched');
    assert.ok((await lstat(join(versionDir(libDir, '0.4.0'), 'bin', 'arca.js'))).isFile());
  });

  it('without a versions folder there is nothing to remove', async () => {
    assert.deepEqual(await pruneVersions(libDir, ['0.2.0']), []);
  });

  it('the supervisor keeps the running version and the previous good one across updates, and removes a crash\'s staging at start', async () => {
    // What an earlier life of the machine left: two versions that ran, one set aside, a cut-short download.
    await installVersion(libDir, '0.2.0');
    await installVersion(libDir, '0.2.5');
    await installVersion(libDir, '0.3.0');
    await recordGoodVersion(libDir, '0.2.0');
    await recordGoodVersion(libDir, '0.2.5');
    await setVersionAside(libDir, '0.3.0', { at: clock.now().toISOString(), failures: 3, reason: 'exited with code 1 before its first status report' });
    await leaveStaging(libDir, `${STAGING_PREFIX}0.4.0-deadbeef`);

    const launched: { version: string; present: string[] }[] = [];
    const controller = new AbortController();
    /** Each child reports, then (but the last) installs the next version and asks for a restart. */
    const next: Record<string, string | undefined> = { '0.2.5': '0.4.0', '0.4.0': '0.5.0', '0.5.0': undefined };
    const launch = (target: AgentTarget): ChildRun => {
      const ready = Promise.withResolvers<void>();
      const exited = Promise.withResolvers<{ code: number | null; signal: string | null }>();
      void listing(libDir).then(async (present) => {
        launched.push({ version: target.version, present });
        ready.resolve();
        const upgrade = next[target.version];
        if (upgrade === undefined) return controller.abort();
        await installVersion(libDir, upgrade);
        exited.resolve({ code: AGENT_RESTART_EXIT_CODE, signal: null });
      });
      return { ready: ready.promise, exited: exited.promise, stop: () => exited.resolve({ code: 0, signal: null }) };
    };
    await superviseAgent(controller.signal, { libDir, own, launch, log, clock, backoff: { initialMs: 1, maxMs: 1 } });

    assert.deepEqual(launched, [
      // At start: the staging folder and the version set aside are gone; the previous good one stays.
      { version: '0.2.5', present: ['0.2.0', '0.2.5'] },
      { version: '0.4.0', present: ['0.2.5', '0.4.0'] },
      { version: '0.5.0', present: ['0.4.0', '0.5.0'] },
    ]);
    assert.deepEqual(await listing(libDir), ['0.4.0', '0.5.0']);
    const state = await readUpdateState(libDir);
    assert.deepEqual(state.good, ['0.5.0', '0.4.0']);
    assert.ok(state.setAside['0.3.0'], 'a version set aside stays set aside after its folder is gone, so it is not fetched again');
    const removals = logged.filter((l) => l.msg === 'old agent versions removed').map((l) => l.fields.removed);
    assert.deepEqual(removals, [[`${STAGING_PREFIX}0.4.0-deadbeef`, '0.3.0'], ['0.2.0'], ['0.2.5']]);
  });
});
